package dev.tollgate.routing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * The {@code routing:} section: the default strategy (a model may set its own), retries, breakers and
 * timeouts.
 *
 * <pre>
 * routing:
 *   strategy: weighted          # weighted | lowest-latency | least-busy | cheapest | priority
 *   retry: {max-attempts: 3, initial-backoff: 200ms, max-backoff: 5s, max-total: 60s}
 *   breaker: {failure-threshold: 5, cooldown: 30s, half-open-probes: 1}
 *   timeouts: {first-token: 60s, idle: 120s, total: 10m}
 * </pre>
 */
public record RoutingConfig(Strategy strategy, RetryPolicy retry, BreakerConfig breaker, Timeouts timeouts) {
  public static final String SECTION = "routing";
  public static final Set<String> KEYS = Set.of("strategy", "retry", "breaker", "timeouts");

  public RoutingConfig {
    requireNonNull(strategy, "routing.strategy");
    requireNonNull(retry, "routing.retry");
    requireNonNull(breaker, "routing.breaker");
    requireNonNull(timeouts, "routing.timeouts");
  }

  public static RoutingConfig ofDefaults() {
    return new RoutingConfig(Strategy.WEIGHTED, RetryPolicy.ofDefaults(), BreakerConfig.ofDefaults(), Timeouts.ofDefaults());
  }

  public RoutingConfig withRetry(RetryPolicy retry) {
    return new RoutingConfig(strategy, retry, breaker, timeouts);
  }

  public RoutingConfig withBreaker(BreakerConfig breaker) {
    return new RoutingConfig(strategy, retry, breaker, timeouts);
  }

  public RoutingConfig withTimeouts(Timeouts timeouts) {
    return new RoutingConfig(strategy, retry, breaker, timeouts);
  }

  public static RoutingConfig parse(JsonNode node) {
    RoutingConfig d = ofDefaults();
    ConfigSection s = ConfigSection.of(SECTION, node, KEYS);
    Strategy strategy = s.get("strategy") == null || s.get("strategy").isNull() ? d.strategy()
        : Strategy.parse(s.key("strategy"), s.string("strategy", ""));
    ConfigSection r = s.section("retry", Set.of("max-attempts", "initial-backoff", "max-backoff", "max-total"));
    RetryPolicy retry = new RetryPolicy((int) r.integer("max-attempts", d.retry().maxAttempts()),
        r.duration("initial-backoff", d.retry().initialBackoff()), r.duration("max-backoff", d.retry().maxBackoff()),
        r.duration("max-total", d.retry().maxTotal()));
    ConfigSection b = s.section("breaker", Set.of("failure-threshold", "cooldown", "half-open-probes"));
    BreakerConfig breaker = new BreakerConfig((int) b.integer("failure-threshold", d.breaker().failureThreshold()),
        b.duration("cooldown", d.breaker().cooldown()), (int) b.integer("half-open-probes", d.breaker().halfOpenProbes()));
    ConfigSection t = s.section("timeouts", Set.of("first-token", "idle", "total"));
    Timeouts timeouts = new Timeouts(t.duration("first-token", d.timeouts().firstToken()), t.duration("idle", d.timeouts().idle()),
        t.duration("total", d.timeouts().total()));
    return new RoutingConfig(strategy, retry, breaker, timeouts);
  }
}
