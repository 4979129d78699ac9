package dev.tollgate.alerts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.analytics.SpendAnomaly;
import dev.tollgate.budgets.Budget;
import dev.tollgate.budgets.BudgetOverspendProjected;
import dev.tollgate.budgets.BudgetThresholdCrossed;
import dev.tollgate.common.EventBus;
import dev.tollgate.common.Ids;
import dev.tollgate.common.Json;
import dev.tollgate.common.Money;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns budget and spend events into alerts: matches them against the rules, stores each alert once
 * (the dedup key makes one alert per rule, budget, period and threshold), then delivers it to the rule's
 * channels with retries and exponential backoff, logging every attempt. Event handlers only hand work to
 * a virtual-thread executor: nothing here runs on an event loop.
 */
public final class Alerts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Alerts.class);

  private final AlertStore store;
  private final AlertsConfig config;
  private final Channels channels;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile List<AlertRule> rules;
  private final List<java.util.function.Consumer<String>> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Alerts(AlertStore store, AlertsConfig config, Clock clock, Sleeper sleeper) {
    this.store = requireNonNull(store, "store");
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
    this.sleeper = requireNonNull(sleeper, "sleeper");
    this.channels = new Channels(config);
    this.rules = List.copyOf(store.rules());
  }

  /** Subscribes to the events alert rules watch. */
  public Alerts subscribe(EventBus events) {
    events.subscribe(BudgetThresholdCrossed.class, e -> executor.execute(() -> onThreshold(e)));
    events.subscribe(BudgetOverspendProjected.class, e -> executor.execute(() -> onProjection(e)));
    events.subscribe(SpendAnomaly.class, e -> executor.execute(() -> onAnomaly(e)));
    return this;
  }

  public AlertStore store() {
    return store;
  }

  /** Blocking (store write): call from a worker thread. */
  public synchronized void add(AlertRule rule) {
    store.insertRule(rule);
    List<AlertRule> next = new ArrayList<>(rules);
    next.add(rule);
    rules = List.copyOf(next);
    changeListeners.forEach(l -> l.accept(rule.id()));
  }

  /** Blocking (store write): call from a worker thread. */
  public synchronized boolean remove(String id) {
    boolean gone = store.deleteRule(id);
    rules = rules.stream().filter(r -> !r.id().equals(id)).toList();
    if (gone) {
      changeListeners.forEach(l -> l.accept(id));
    }
    return gone;
  }

  /**
   * Calls {@code listener} with the id of every rule this instance adds or removes, after the store has it
   * (cluster mode tells the other replicas through Redis).
   */
  public void onChange(java.util.function.Consumer<String> listener) {
    changeListeners.add(requireNonNull(listener, "listener"));
  }

  /** Re-reads every rule from the store (another replica changed one). Blocking: off the event loop. */
  public synchronized void reload() {
    rules = List.copyOf(store.rules());
  }

  public Optional<AlertRule> find(String id) {
    return rules.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  public List<AlertRule> rules() {
    return rules;
  }

  private static boolean owns(AlertRule r, Optional<String> org, Optional<String> project) {
    if (r.orgId().isEmpty()) {
      return true;
    }
    if (!r.orgId().equals(org)) {
      return false;
    }
    return r.projectId().isEmpty() || r.projectId().equals(project);
  }

  private boolean watches(AlertRule r, AlertRule.Type type, Budget b) {
    return r.enabled() && r.type() == type && r.budgetId().map(b.id()::equals).orElse(true) && owns(r, b.orgId(), b.projectId());
  }

  void onThreshold(BudgetThresholdCrossed e) {
    Budget b = e.budget();
    for (AlertRule r : rules) {
      if (!watches(r, AlertRule.Type.BUDGET_THRESHOLD, b)) {
        continue;
      }
      String severity = e.thresholdPercent() >= 100 ? "critical" : e.thresholdPercent() >= 80 ? "warning" : "info";
      String summary = "Budget '" + b.name() + "' reached " + e.thresholdPercent() + "% ($" + Money.usd(e.spentNanos())
          + " of $" + Money.usd(b.amountNanos()) + ", " + b.period().wire() + " " + e.window().key() + ")"
          + (e.thresholdPercent() >= 100 ? actionNote(b) : "");
      ObjectNode details = budgetDetails(b, e.window(), e.spentNanos()).put("threshold_percent", e.thresholdPercent());
      fire(r, r.id() + ":" + b.id() + ":" + e.window().key() + ":" + e.thresholdPercent(), severity, summary, details,
          b.orgId(), b.projectId());
    }
  }

  private static String actionNote(Budget b) {
    return switch (b.action()) {
      case BLOCK -> "; requests are now refused";
      case DOWNGRADE -> "; requests are now served by " + b.downgradeTo().orElse("?");
      case ALERT_ONLY -> "; requests are still served";
    };
  }

  void onProjection(BudgetOverspendProjected e) {
    Budget b = e.budget();
    for (AlertRule r : rules) {
      if (!watches(r, AlertRule.Type.BURN_RATE, b)) {
        continue;
      }
      String summary = "Budget '" + b.name() + "' is projected to spend $" + Money.usd(e.projectedNanos()) + " of $"
          + Money.usd(b.amountNanos()) + " this " + b.period().wire() + e.exhaustionAt().map(t -> "; exhausted around " + t).orElse("");
      ObjectNode details = budgetDetails(b, e.window(), e.spentNanos()).put("projected_usd", Money.usd(e.projectedNanos()));
      e.exhaustionAt().ifPresent(t -> details.put("exhaustion_at", t.toString()));
      fire(r, r.id() + ":" + b.id() + ":" + e.window().key() + ":burn", "warning", summary, details, b.orgId(), b.projectId());
    }
  }

  void onAnomaly(SpendAnomaly a) {
    for (AlertRule r : rules) {
      if (!r.enabled() || r.type() != AlertRule.Type.SPEND_SPIKE || !owns(r, a.orgId(), a.projectId())
          || r.minScore().map(min -> a.score().compareTo(min) < 0).orElse(false)) {
        continue;
      }
      String summary = "Spend spike on " + a.dimension() + " " + a.value() + ": $" + Money.usd(a.observedNanos()) + " in "
          + a.window() + " from " + a.windowStart() + " (typical $" + Money.usd(a.baselineNanos()) + ", score " + a.score().toPlainString() + ")";
      ObjectNode details = Json.object().put("dimension", a.dimension()).put("value", a.value())
          .put("window_start", a.windowStart().toString()).put("window_seconds", a.window().toSeconds())
          .put("observed_usd", Money.usd(a.observedNanos())).put("baseline_usd", Money.usd(a.baselineNanos()))
          .put("score", a.score().toPlainString());
      fire(r, r.id() + ":spike:" + a.dimension() + ":" + a.value() + ":" + a.windowStart(), "warning", summary, details,
          a.orgId(), a.projectId());
    }
  }

  private static ObjectNode budgetDetails(Budget b, Budget.Window w, long spent) {
    ObjectNode d = Json.object().put("budget_id", b.id()).put("budget_name", b.name()).put("scope", b.scope().wire())
        .put("scope_value", b.scopeValue()).put("period", b.period().wire()).put("period_key", w.key())
        .put("period_start", w.start().toString()).put("amount_usd", Money.usd(b.amountNanos()))
        .put("spent_usd", Money.usd(spent)).put("action", b.action().wire());
    w.end().ifPresent(end -> d.put("period_end", end.toString()));
    return d;
  }

  private void fire(AlertRule rule, String dedupKey, String severity, String summary, ObjectNode details,
                    Optional<String> org, Optional<String> project) {
    AlertEvent event = new AlertEvent(Ids.prefixed("alert"), rule.id(), rule.type(), dedupKey, severity, summary, details,
        org, project, clock.instant());
    try {
      if (!store.insertEventIfNew(event)) {
        return; // this threshold of this budget already alerted in this period
      }
    } catch (RuntimeException ex) {
      log.error("cannot store alert for rule {}: {}", rule.id(), ex.toString());
      return;
    }
    deliver(rule, event);
  }

  /** Delivers to every channel of the rule, in parallel, each with its own retries. */
  void deliver(AlertRule rule, AlertEvent event) {
    for (AlertRule.Channel c : rule.channels()) {
      executor.execute(() -> deliverOne(c, event));
    }
  }

  /** Sends an event to one channel now, with retries; blocking. Used by the rules' test endpoint. */
  public Delivery deliverOne(AlertRule.Channel channel, AlertEvent event) {
    Delivery last = null;
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      Channels.Outcome o = channels.send(channel, event, clock.instant());
      boolean again = !o.delivered() && o.retryable() && attempt < config.maxAttempts();
      last = new Delivery(Ids.prefixed("dlv"), event.id(), channel.type(), channel.target(), attempt,
          o.delivered() ? "delivered" : again ? "retrying" : "failed", o.httpStatus(), o.error(), clock.instant());
      try {
        store.insertDelivery(last);
      } catch (RuntimeException ex) {
        log.error("cannot log delivery of alert {}: {}", event.id(), ex.toString());
      }
      if (!again) {
        if (!o.delivered()) {
          log.warn("alert {} to {} {} failed after {} attempt(s): {}", event.id(), channel.type().wire(), channel.target(),
              attempt, o.error().orElse("?"));
        }
        return last;
      }
      try {
        sleeper.sleep(config.backoff(attempt));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return last;
      }
    }
    return last;
  }

  /** Stores and delivers a test alert for a rule (the admin API's "send test"), bypassing dedupe. */
  public AlertEvent test(AlertRule rule) {
    Instant now = clock.instant();
    AlertEvent event = new AlertEvent(Ids.prefixed("alert"), rule.id(), rule.type(), rule.id() + ":test:" + now.toEpochMilli()
        + ":" + Ids.prefixed("t"), "info", "Test alert from Tollgate for rule '" + rule.name() + "'",
        Json.object().put("test", true), rule.orgId(), rule.projectId(), now);
    store.insertEventIfNew(event);
    deliver(rule, event);
    return event;
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
