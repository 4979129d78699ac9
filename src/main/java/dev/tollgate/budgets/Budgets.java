package dev.tollgate.budgets;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.EventBus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The budgets: definitions (kept in memory, written through to the store, so the request path never
 * reads the database), their counters, status, restore from the ledger, and the threshold and burn-rate
 * events published after each charge.
 */
public final class Budgets {
  /** At most this many budgets get a {@code tollgate_budget_utilisation} series (the label set is capped). */
  public static final int MAX_GAUGES = 100;
  /** Burn-rate projections wait until this share of the period has passed, so one early request does not alarm. */
  private static final int PROJECTION_MIN_ELAPSED_PERCENT = 10;

  private final BudgetStore store;
  private final BudgetCounters counters;
  private final BudgetsConfig config;
  private final EventBus events;
  private final Clock clock;
  private final java.util.function.ToLongFunction<UnpricedRow> unpricedCost;
  private volatile List<Budget> budgets;
  /** Last known spend per budget id in its current period, for the utilisation gauge. */
  private final Map<String, Long> lastSpent = new ConcurrentHashMap<>();
  private final Set<String> gauges = ConcurrentHashMap.newKeySet();
  private final Set<String> projected = ConcurrentHashMap.newKeySet();
  /** Thresholds already published, per counter key: a flood of refusals publishes each once. */
  private final Set<String> published = ConcurrentHashMap.newKeySet();
  private volatile Optional<MeterRegistry> registry = Optional.empty();
  private final List<java.util.function.Consumer<String>> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * @param unpricedCost what a budget charges for a row whose model has no price (the conservative estimate
   *     admission charges live, {@link AdmissionControl#unpricedCost}); a restore from the ledger adds it
   */
  public Budgets(BudgetStore store, BudgetCounters counters, BudgetsConfig config, EventBus events, Clock clock,
                 java.util.function.ToLongFunction<UnpricedRow> unpricedCost) {
    this.unpricedCost = requireNonNull(unpricedCost, "unpricedCost");
    this.store = requireNonNull(store, "store");
    this.counters = requireNonNull(counters, "counters");
    this.config = requireNonNull(config, "config");
    this.events = requireNonNull(events, "events");
    this.clock = requireNonNull(clock, "clock");
    this.budgets = List.copyOf(store.all());
  }

  public BudgetsConfig config() {
    return config;
  }

  BudgetCounters counters() {
    return counters;
  }

  /** Registers {@code tollgate_budget_utilisation{budget}} (spent / amount in the current period). */
  public void bindMetrics(MeterRegistry meters) {
    this.registry = Optional.of(meters);
    budgets.forEach(this::gauge);
  }

  private void gauge(Budget b) {
    MeterRegistry r = registry.orElse(null);
    if (r == null || gauges.size() >= MAX_GAUGES || !gauges.add(b.id())) {
      return;
    }
    Gauge.builder("tollgate_budget_utilisation", () -> utilisation(b.id()))
        .description("Spent / amount of a budget in its current period (first " + MAX_GAUGES + " budgets)")
        .tag("budget", b.id()).register(r);
  }

  private double utilisation(String id) {
    Optional<Budget> b = find(id);
    if (b.isEmpty() || b.get().amountNanos() == 0) {
      return 0;
    }
    return BigDecimal.valueOf(lastSpent.getOrDefault(id, 0L))
        .divide(BigDecimal.valueOf(b.get().amountNanos()), 6, RoundingMode.HALF_UP).doubleValue();
  }

  /**
   * Restores every budget's current-period spend from the ledger: run once at start, after the usage
   * journal was replayed and before the gateway serves. Blocking. A counter that already has spend is left
   * alone, so a replica starting next to others sharing the counters (Redis) does not count twice.
   */
  public void restoreAll() {
    for (Budget b : budgets) {
      restore(b);
    }
  }

  private void restore(Budget b) {
    Instant now = clock.instant();
    Budget.Window w = b.period().window(now, config.timeZone());
    long spent = store.spent(b.scope(), b.scopeValue(), w.start(), now.plusSeconds(1));
    for (UnpricedRow r : store.unpriced(b.scope(), b.scopeValue(), w.start(), now.plusSeconds(1))) {
      spent = Math.addExact(spent, unpricedCost.applyAsLong(r)); // as admission charged it, not the ledger's $0
    }
    try { // blocking: start-up, admin calls and invalidations run on worker threads, never on an event loop
      counters.restore(b.counterKey(w), spent).toCompletionStage().toCompletableFuture()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new dev.tollgate.common.UnavailableException("budget '" + b.name() + "': restoring its spend timed out after 30s");
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re
          : new IllegalStateException("budget '" + b.name() + "': restoring its spend failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("budget '" + b.name() + "': interrupted while restoring its spend", e);
    }
    lastSpent.put(b.id(), spent);
  }

  /**
   * Calls {@code listener} with the id of every budget this instance creates, changes or deletes, after the
   * store has it: how other replicas learn of the change (cluster mode publishes it through Redis).
   */
  public void onChange(java.util.function.Consumer<String> listener) {
    changeListeners.add(requireNonNull(listener, "listener"));
  }

  private void changed(String id) {
    changeListeners.forEach(l -> l.accept(id));
  }

  /**
   * Re-reads every definition from the store (another replica changed one, or this replica missed changes
   * while Redis was unreachable) and restores the spend of counters that have none (Redis lost its data).
   * Blocking: off the event loop.
   */
  public synchronized void reload() {
    List<Budget> fresh = List.copyOf(store.all());
    Set<String> ids = new java.util.HashSet<>();
    fresh.forEach(b -> ids.add(b.id()));
    budgets = fresh;
    lastSpent.keySet().retainAll(ids);
    RuntimeException first = null;
    for (Budget b : fresh) { // one counter that cannot be restored does not keep the others from it
      try {
        restore(b);
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
      gauge(b);
    }
    if (first != null) {
      throw first;
    }
  }

  /** Blocking (store write): call from a worker thread. */
  public synchronized Budget create(Budget b) {
    store.insert(b);
    List<Budget> next = new ArrayList<>(budgets);
    next.add(b);
    budgets = List.copyOf(next);
    restore(b);
    gauge(b);
    changed(b.id());
    return b;
  }

  /** Blocking (store write): call from a worker thread. */
  public synchronized Budget update(Budget b) {
    if (!store.update(b)) {
      throw new dev.tollgate.common.NotFoundException("budget", b.id());
    }
    budgets = budgets.stream().map(x -> x.id().equals(b.id()) ? b : x).toList();
    restore(b);
    changed(b.id());
    return b;
  }

  /** Blocking (store write): call from a worker thread. */
  public synchronized boolean delete(String id) {
    boolean gone = store.delete(id);
    budgets = budgets.stream().filter(b -> !b.id().equals(id)).toList();
    lastSpent.remove(id);
    if (gone) {
      changed(id);
    }
    return gone;
  }

  public Optional<Budget> find(String id) {
    return budgets.stream().filter(b -> b.id().equals(id)).findFirst();
  }

  public List<Budget> all() {
    return budgets.stream().sorted(Comparator.comparing(Budget::createdAt).thenComparing(Budget::id)).toList();
  }

  List<Budget> matching(Optional<String> org, Optional<String> project, String keyId, Optional<String> user, List<String> tags) {
    List<Budget> out = new ArrayList<>();
    for (Budget b : budgets) {
      if (b.matches(org, project, keyId, user, tags)) {
        out.add(b);
      }
    }
    return out;
  }

  /**
   * A budget's state in its current period.
   *
   * @param burnNanosPerHour average spend per hour since the period started
   * @param exhaustionAt when the remainder runs out at that rate (empty when nothing is being spent, or
   *     it would not run out before the period ends)
   */
  public record Status(Budget budget, Budget.Window window, long spentNanos, long reservedNanos, long remainingNanos,
                       long burnNanosPerHour, Optional<Long> projectedNanos, Optional<Instant> exhaustionAt, Instant at) {}

  public Future<Status> status(Budget b) {
    Instant now = clock.instant();
    Budget.Window w = b.period().window(now, config.timeZone());
    return counters.read(List.of(b.counterKey(w))).map(cs -> {
      BudgetCounters.Counter c = cs.getFirst();
      long remaining = Math.max(0, b.amountNanos() - c.spentNanos() - c.reservedNanos());
      Duration elapsed = Duration.between(w.start(), now);
      if (b.period() == Budget.Period.TOTAL) {
        elapsed = Duration.between(b.createdAt(), now);
      }
      long burn = perHour(c.spentNanos(), elapsed);
      Optional<Long> projection = w.end().map(end -> project(c.spentNanos(), Duration.between(w.start(), now),
          Duration.between(w.start(), end)));
      Optional<Instant> exhaustion = exhaustion(b.amountNanos() - c.spentNanos(), c.spentNanos(), elapsed, now, w.end());
      return new Status(b, w, c.spentNanos(), c.reservedNanos(), remaining, burn, projection, exhaustion, now);
    });
  }

  static long perHour(long nanos, Duration elapsed) {
    long ms = Math.max(1, elapsed.toMillis());
    return BigInteger.valueOf(nanos).multiply(BigInteger.valueOf(3_600_000)).divide(BigInteger.valueOf(ms)).longValue();
  }

  static long project(long spent, Duration elapsed, Duration period) {
    long ms = Math.max(1, elapsed.toMillis());
    return BigInteger.valueOf(spent).multiply(BigInteger.valueOf(period.toMillis())).divide(BigInteger.valueOf(ms)).longValue();
  }

  static Optional<Instant> exhaustion(long left, long spent, Duration elapsed, Instant now, Optional<Instant> end) {
    if (left <= 0) {
      return Optional.of(now);
    }
    if (spent <= 0 || elapsed.isZero() || elapsed.isNegative()) {
      return Optional.empty();
    }
    long ms = BigInteger.valueOf(left).multiply(BigInteger.valueOf(elapsed.toMillis())).divide(BigInteger.valueOf(spent)).longValue();
    Instant at = now.plusMillis(ms);
    return end.isPresent() && !at.isBefore(end.get()) ? Optional.empty() : Optional.of(at);
  }

  /**
   * A block budget refused a request: it is exhausted. Output caps keep settled spend just under the
   * amount, so the 100 % threshold is reached here, not by a charge: every threshold up to 100 % not yet
   * published in this period is published now.
   */
  void refused(Budget b, Budget.Window w, long usedNanos) {
    Instant now = clock.instant();
    for (int t : b.thresholds()) {
      if (t <= 100 && published.add(b.counterKey(w) + ":" + t)) {
        events.publish(new BudgetThresholdCrossed(b, w, t, usedNanos, now));
      }
    }
  }

  /**
   * After a charge: publishes each threshold the charge crossed (exactly one charge crosses it, since the
   * counter update is atomic) and, once per period, a projected overspend.
   */
  void charged(Budget b, Budget.Window w, BudgetCounters.Counter after, long nanos) {
    Instant now = clock.instant();
    lastSpent.put(b.id(), after.spentNanos());
    long before = after.spentNanos() - nanos;
    for (int t : b.thresholds()) {
      long mark = BigInteger.valueOf(b.amountNanos()).multiply(BigInteger.valueOf(t)).divide(BigInteger.valueOf(100)).longValue();
      if (before < mark && after.spentNanos() >= mark && nanos > 0 && published.add(b.counterKey(w) + ":" + t)) {
        events.publish(new BudgetThresholdCrossed(b, w, t, after.spentNanos(), now));
      }
    }
    if (w.end().isEmpty() || after.spentNanos() >= b.amountNanos()) {
      return;
    }
    Duration period = Duration.between(w.start(), w.end().get());
    Duration elapsed = Duration.between(w.start(), now);
    if (elapsed.toMillis() * 100 < period.toMillis() * PROJECTION_MIN_ELAPSED_PERCENT) {
      return;
    }
    long projection = project(after.spentNanos(), elapsed, period);
    if (projection > b.amountNanos() && projected.add(b.counterKey(w))) {
      events.publish(new BudgetOverspendProjected(b, w, after.spentNanos(), projection,
          exhaustion(b.amountNanos() - after.spentNanos(), after.spentNanos(), elapsed, now, w.end()), now));
    }
  }
}
