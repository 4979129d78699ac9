package dev.tollgate.routing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;

/**
 * One deployment's breaker: closed (calls flow), open (calls are routed around it until the cooldown is
 * over), half-open (a few probe calls decide). Shared by every event loop, so its few fields are guarded
 * by the instance lock; no I/O happens under it.
 */
public final class CircuitBreaker {
  public enum State { CLOSED, OPEN, HALF_OPEN }

  private final BreakerConfig config;
  private final Clock clock;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Instant openedAt = Instant.EPOCH;
  private int probesInFlight;

  public CircuitBreaker(BreakerConfig config, Clock clock) {
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
  }

  /** The state now (an open breaker past its cooldown reads as half-open). */
  public synchronized State state() {
    if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(config.cooldown()))) {
      return State.HALF_OPEN;
    }
    return state;
  }

  /** Whether a call may go to the deployment now (without taking a probe slot). */
  public synchronized boolean available() {
    State s = state();
    return s == State.CLOSED || (s == State.HALF_OPEN && probesInFlight < config.halfOpenProbes());
  }

  /** Takes permission for one call; false when the breaker is open or the half-open probes are taken. */
  public synchronized boolean tryAcquire() {
    State s = state();
    if (s == State.CLOSED) {
      return true;
    }
    if (s == State.HALF_OPEN && probesInFlight < config.halfOpenProbes()) {
      state = State.HALF_OPEN;
      probesInFlight++;
      return true;
    }
    return false;
  }

  public synchronized void onSuccess() {
    consecutiveFailures = 0;
    probesInFlight = 0;
    state = State.CLOSED;
  }

  /**
   * A failure that says the deployment is unhealthy (5xx, 429, timeout, connection error).
   *
   * @return true when this failure opened the breaker (it was closed or half-open)
   */
  public synchronized boolean onFailure() {
    consecutiveFailures++;
    State before = state();
    if (before == State.HALF_OPEN || consecutiveFailures >= config.failureThreshold()) {
      state = State.OPEN;
      openedAt = clock.instant();
      probesInFlight = 0;
      return before != State.OPEN;
    }
    return false;
  }

  /** A call that ended without saying anything about health (the caller's fault, or cancelled). */
  public synchronized void onNeutral() {
    if (state == State.HALF_OPEN && probesInFlight > 0) {
      probesInFlight--;
    }
  }

  /** Back to closed, e.g. when an operator re-enables the deployment. */
  public synchronized void reset() {
    onSuccess();
  }
}
