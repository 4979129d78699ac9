package dev.tollgate.budgets;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.Money;
import dev.tollgate.common.RateLimitedException;
import dev.tollgate.common.UnavailableException;
import dev.tollgate.gateway.Admission;
import dev.tollgate.gateway.ModelCatalog;
import dev.tollgate.pricing.CostContext;
import dev.tollgate.pricing.Pricing;
import dev.tollgate.pricing.ServiceTier;
import dev.tollgate.ratelimit.RateLimits;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Admission} stage: rate limits first (RPM and TPM of every matching rule), then budgets
 * (downgrade, then one atomic reservation of the worst-case cost across every matching budget).
 *
 * <p>A block budget whose remainder cannot pay the worst case but can pay the input and at least
 * {@code budgets.min-output-tokens} of output admits the request with {@link Ticket#maxOutputTokens()}
 * set to what the remainder pays for: the provider stops the answer there ({@code finish_reason: length}),
 * so a stream can never spend past a hard budget.
 */
public final class AdmissionControl implements Admission {
  private static final Logger log = LoggerFactory.getLogger(AdmissionControl.class);
  /** Retry-After for a refused {@code total} budget, which never resets. */
  static final Duration TOTAL_RETRY_AFTER = Duration.ofDays(1);
  public static final String DOWNGRADED_HEADER = "x-tollgate-downgraded-from";
  public static final String REMAINING_HEADER = "x-tollgate-budget-remaining-usd";

  private final Budgets budgets;
  private final RateLimits limits;
  private final WorstCase worstCase;
  private final Pricing pricing;
  private final Clock clock;
  private final AtomicLong reservations = new AtomicLong();

  public AdmissionControl(Budgets budgets, RateLimits limits, Pricing pricing, ModelCatalog catalog, Clock clock) {
    this.budgets = requireNonNull(budgets, "budgets");
    this.limits = requireNonNull(limits, "limits");
    this.pricing = requireNonNull(pricing, "pricing");
    this.worstCase = new WorstCase(pricing, requireNonNull(catalog, "catalog"), budgets.config());
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public Future<Ticket> admit(Request req) {
    Instant now = clock.instant();
    List<Budget> matched = budgets.matching(req.orgId(), req.projectId(), req.key().id(), req.userId(), req.tags());
    String model = req.model();
    // a request no budget and no token limit looks at is not counted or priced (the tokenizer is the costliest step)
    boolean measured = !matched.isEmpty()
        || limits.countsTokens(req.key().id(), req.key().tpmLimit(), req.orgId(), req.projectId(), model);
    WorstCase.Estimate est = measured ? worstCase.estimate(req.operation(), model, req.body(), now) : WorstCase.Estimate.unmeasured(model);
    List<Budget.Window> windows = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (Budget b : matched) {
      Budget.Window w = b.period().window(now, budgets.config().timeZone());
      windows.add(w);
      keys.add(b.counterKey(w));
    }
    Future<Optional<String>> downgrade = downgrade(matched, keys, est);
    return downgrade.compose(to -> {
      WorstCase.Estimate e = to.isPresent() ? worstCase.estimate(req.operation(), to.get(), req.body(), now) : est;
      return limits.acquire(req.key().id(), req.key().rpmLimit(), req.key().tpmLimit(), req.orgId(), req.projectId(), e.model(),
              e.tokens(), now)
          .compose(grant -> reserve(req, matched, windows, keys, e, grant, to.map(x -> model), now));
    });
  }

  /** The model of the first downgrade budget that is spent (or would be by this request), if any. */
  private Future<Optional<String>> downgrade(List<Budget> matched, List<String> keys, WorstCase.Estimate est) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < matched.size(); i++) {
      if (matched.get(i).action() == Budget.Action.DOWNGRADE && !matched.get(i).downgradeTo().get().equals(est.model())) {
        idx.add(i);
      }
    }
    if (idx.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return budgets.counters().read(idx.stream().map(keys::get).toList()).<Optional<String>>map(cs -> {
      for (int j = 0; j < idx.size(); j++) {
        Budget b = matched.get(idx.get(j));
        BudgetCounters.Counter c = cs.get(j);
        if (c.spentNanos() + c.reservedNanos() + est.worstNanos() > b.amountNanos()) {
          return b.downgradeTo();
        }
      }
      return Optional.empty();
    }).recover(e -> e instanceof UnavailableException
        // shared counters unreachable: no downgrade; the reservation that follows applies the budgets' fail mode
        ? Future.succeededFuture(Optional.<String>empty()) : Future.failedFuture(e));
  }

  private Future<Ticket> reserve(Request req, List<Budget> matched, List<Budget.Window> windows, List<String> keys,
                                 WorstCase.Estimate e, RateLimits.Grant grant, Optional<String> downgradedFrom, Instant now) {
    Map<String, String> headers = new LinkedHashMap<>(grant.headers());
    downgradedFrom.ifPresent(from -> headers.put(DOWNGRADED_HEADER, from));
    Optional<String> downgradeTo = downgradedFrom.map(x -> e.model());
    if (matched.isEmpty()) {
      return Future.succeededFuture(new Held(req.requestId(), List.of(), List.of(), List.of(), grant, headers, downgradeTo,
          OptionalLong.empty()));
    }
    List<BudgetCounters.Hold> holds = new ArrayList<>();
    for (int i = 0; i < matched.size(); i++) {
      Budget b = matched.get(i);
      holds.add(new BudgetCounters.Hold(keys.get(i), b.action() == Budget.Action.BLOCK ? b.amountNanos() : Long.MAX_VALUE));
    }
    long min = e.maxOutputTokens() == 0 ? e.worstNanos()
        : e.nanosFor(Math.min(budgets.config().minOutputTokens(), e.maxOutputTokens()));
    String reservationId = "rsv:" + req.requestId() + ":" + Long.toString(reservations.incrementAndGet(), 36);
    return budgets.counters().reserve(reservationId, holds, min, e.worstNanos(), budgets.config().reservationTtl())
        .compose(r -> {
          if (!r.admitted()) {
            Budget b = matched.get(r.refusedBy());
            Budget.Window w = windows.get(r.refusedBy());
            budgets.refused(b, w, b.amountNanos() - r.headroomNanos().get(r.refusedBy()));
            Duration retry = w.end().map(end -> Duration.between(now, end)).orElse(TOTAL_RETRY_AFTER);
            String resets = w.end().map(end -> "; it resets at " + DateTimeFormatter.ISO_OFFSET_DATE_TIME
                .format(end.atZone(budgets.config().timeZone()))).orElse(" (a total budget does not reset)");
            String msg = "budget '" + b.name() + "' (" + b.scope().wire() + " " + b.scopeValue() + ", " + b.period().wire()
                + " " + w.key() + ") is exhausted: $" + Money.usd(b.amountNanos() - r.headroomNanos().get(r.refusedBy()))
                + " of $" + Money.usd(b.amountNanos()) + " spent or reserved, this request needs up to $"
                + Money.usd(min) + resets;
            return limits.giveBack(grant, now).transform(x ->
                Future.failedFuture(new RateLimitedException("budget_exceeded", msg, retry, grant.headersGivenBack())));
          }
          long remaining = Long.MAX_VALUE;
          for (int i = 0; i < holds.size(); i++) {
            // MAX_VALUE headroom: tracking only, or admitted without counting (shared counters down, fail-open)
            if (holds.get(i).limitNanos() != Long.MAX_VALUE && r.headroomNanos().get(i) != Long.MAX_VALUE) {
              remaining = Math.min(remaining, r.headroomNanos().get(i) - r.grantedNanos());
            }
          }
          if (remaining != Long.MAX_VALUE) {
            headers.put(REMAINING_HEADER, Money.usd(remaining));
          }
          OptionalLong cap = r.grantedNanos() < e.worstNanos() ? OptionalLong.of(e.outputTokensFor(r.grantedNanos()))
              : OptionalLong.empty();
          return Future.succeededFuture(new Held(reservationId, matched, windows, keys, grant, headers, downgradeTo, cap));
        });
  }

  /** An admitted request and what it holds. Thread-safe: charge and close may come from any thread. */
  private final class Held implements Ticket {
    private final String reservationId;
    private final List<Budget> budgetList;
    private final List<Budget.Window> windows;
    private final List<String> keys;
    private final RateLimits.Grant grant;
    private final Map<String, String> headers;
    private final Optional<String> downgradeTo;
    private final OptionalLong maxOutput;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong realTokens = new AtomicLong();

    Held(String reservationId, List<Budget> budgetList, List<Budget.Window> windows, List<String> keys,
         RateLimits.Grant grant, Map<String, String> headers, Optional<String> downgradeTo, OptionalLong maxOutput) {
      this.reservationId = reservationId;
      this.budgetList = List.copyOf(budgetList);
      this.windows = List.copyOf(windows);
      this.keys = List.copyOf(keys);
      this.grant = grant;
      this.headers = Map.copyOf(headers);
      this.downgradeTo = downgradeTo;
      this.maxOutput = maxOutput;
    }

    @Override
    public Map<String, String> headers() {
      return headers;
    }

    @Override
    public Optional<String> downgradeTo() {
      return downgradeTo;
    }

    @Override
    public OptionalLong maxOutputTokens() {
      return maxOutput;
    }

    @Override
    public void charge(UsageRecord record) {
      realTokens.addAndGet(record.usage().totalTokens());
      if (keys.isEmpty()) {
        return;
      }
      long nanos = costOf(record);
      budgets.counters().charge(reservationId, keys, nanos).onComplete(ar -> {
        if (ar.failed()) {
          if (ar.cause() instanceof UnavailableException) { // shared counters down: the ledger still has the spend
            log.warn("budget charge of request {} not counted: {}", record.requestId(), ar.cause().getMessage());
          } else {
            log.error("budget charge of request {} failed: {}", record.requestId(), ar.cause().toString());
          }
          return;
        }
        List<BudgetCounters.Counter> after = ar.result();
        for (int i = 0; i < budgetList.size(); i++) {
          budgets.charged(budgetList.get(i), windows.get(i), after.get(i), nanos);
        }
      });
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      if (!keys.isEmpty()) {
        budgets.counters().release(reservationId);
      }
      if (grant.countsTokens()) {
        limits.correctTokens(grant, realTokens.get(), clock.instant());
      }
    }
  }

  /** A ledger row's cost for budgets: the real cost, or the conservative estimate when the model has no price. */
  private long costOf(UsageRecord r) {
    if (!r.flags().contains(UsageFlag.UNPRICED)) {
      return r.costNanos();
    }
    return unpricedCost(pricing, new UnpricedRow(r.provider(), r.modelServed(), r.startedAt(), r.usage()));
  }

  /** The conservative estimate budgets charge for a row whose model has no price (live, and on a restore). */
  public static long unpricedCost(Pricing pricing, UnpricedRow r) {
    return pricing.estimate(r.provider(), r.modelServed(), r.usage(), CostContext.of(ServiceTier.STANDARD), r.startedAt()).nanos();
  }
}
