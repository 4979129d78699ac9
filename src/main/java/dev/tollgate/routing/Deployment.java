package dev.tollgate.routing;

import static java.util.Objects.requireNonNull;

import dev.tollgate.config.ModelConfig;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One place a public model is served (provider, credentials, region, base URL) and its live state:
 * operator overrides (enabled, weight), breaker, latency EWMA, requests in flight and the outcome of the
 * last {@link #WINDOW} calls. Shared by all event loops; every field is thread-safe.
 */
public final class Deployment {
  static final int WINDOW = 100;
  /** Weight of the newest sample in the latency EWMA. */
  static final double ALPHA = 0.3;

  private final ModelConfig target;
  private final CircuitBreaker breaker;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean enabled = true;
  private volatile int weight;
  // guarded by this
  private double latencyEwmaMs = Double.NaN;
  private final boolean[] window = new boolean[WINDOW];
  private int windowSize;
  private int windowNext;
  private long calls;
  private long failures;

  private final Clock clock;
  private final java.util.function.Consumer<ProviderCircuitOpened> onOpen;

  Deployment(ModelConfig target, BreakerConfig breaker, Clock clock, java.util.function.Consumer<ProviderCircuitOpened> onOpen) {
    this.target = requireNonNull(target, "target");
    this.breaker = new CircuitBreaker(breaker, clock);
    this.weight = target.weight();
    this.clock = clock;
    this.onOpen = requireNonNull(onOpen, "onOpen");
  }

  /** The deployment id, unique within its model. */
  public String id() {
    return target.deploymentId();
  }

  /** {@code model/id}: unique across the gateway; what the ledger and headers show. */
  public String qualifiedId() {
    return target.name() + "/" + target.deploymentId();
  }

  public String model() {
    return target.name();
  }

  public ModelConfig target() {
    return target;
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  public boolean enabled() {
    return enabled;
  }

  public void enabled(boolean enabled) {
    this.enabled = enabled;
    if (enabled) {
      breaker.reset();
    }
  }

  public int weight() {
    return weight;
  }

  public void weight(int weight) {
    if (weight < 0 || weight > 1_000_000) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: 0..1000000)");
    }
    this.weight = weight;
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** A call starts; pair with exactly one of {@link #succeeded}, {@link #failed} or {@link #ended}. */
  public void started() {
    inFlight.incrementAndGet();
  }

  public void succeeded(long latencyMs) {
    inFlight.decrementAndGet();
    breaker.onSuccess();
    synchronized (this) {
      latencyEwmaMs = Double.isNaN(latencyEwmaMs) ? latencyMs : ALPHA * latencyMs + (1 - ALPHA) * latencyEwmaMs;
      outcome(true);
    }
  }

  /** A failure that counts against the deployment's health. */
  public void failed() {
    inFlight.decrementAndGet();
    boolean opened = breaker.onFailure();
    synchronized (this) {
      outcome(false);
    }
    if (opened) {
      onOpen.accept(new ProviderCircuitOpened(qualifiedId(), model(), target.provider(), clock.instant()));
    }
  }

  /** A call that ended without a verdict on the deployment (the caller's fault, the caller left). */
  public void ended() {
    inFlight.decrementAndGet();
    breaker.onNeutral();
  }

  private void outcome(boolean ok) {
    window[windowNext] = ok;
    windowNext = (windowNext + 1) % WINDOW;
    windowSize = Math.min(WINDOW, windowSize + 1);
    calls++;
    if (!ok) {
      failures++;
    }
  }

  /** The latency EWMA in milliseconds; NaN before the first success. */
  public synchronized double latencyEwmaMs() {
    return latencyEwmaMs;
  }

  /** A point-in-time view for the health API. */
  public synchronized Health health() {
    int errors = 0;
    for (int i = 0; i < windowSize; i++) {
      if (!window[i]) {
        errors++;
      }
    }
    return new Health(qualifiedId(), model(), id(), target.provider(), target.upstreamModel(), target.region(), enabled,
        weight, target.priority(), breaker.state(), inFlight.get(), Double.isNaN(latencyEwmaMs) ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(latencyEwmaMs),
        windowSize, errors, windowSize == 0 ? 0 : (double) errors / windowSize, calls, failures);
  }

  /** What {@code GET /api/v1/providers/health} shows per deployment. */
  public record Health(String deployment, String model, String id, String provider, String upstreamModel,
                       java.util.Optional<String> region, boolean enabled, int weight, int priority,
                       CircuitBreaker.State breaker, int inFlight, java.util.OptionalDouble latencyEwmaMs, int recentCalls,
                       int recentErrors, double recentErrorRate, long totalCalls, long totalFailures) {}
}
