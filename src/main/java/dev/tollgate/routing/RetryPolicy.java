package dev.tollgate.routing;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.ConfigException;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * {@code routing.retry.*}: which failures are retried and how long to wait. Retried ({@link FailureKind#RETRYABLE}):
 * upstream 408, 409, 429, every 5xx, broken answers, and failures before a status line (connection refused
 * or reset, timeouts). The wait is
 * exponential ({@code initial-backoff * 2^(n-1)}, capped at {@code max-backoff}) with full jitter in
 * {@code [wait/2, wait]}; an upstream's {@code Retry-After} replaces it when longer. A retry is not started
 * when it would end after {@code max-total} from the request's start.
 *
 * @param maxAttempts attempts per model (its deployments, the first attempt included); each fallback model
 *     gets as many again. Default 1: a failure goes to the next model of the fallback chain, if any.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxTotal) {
  public RetryPolicy {
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new ConfigException("routing.retry.max-attempts", maxAttempts, "1..20");
    }
    requireNonNull(initialBackoff, "routing.retry.initial-backoff");
    requireNonNull(maxBackoff, "routing.retry.max-backoff");
    requireNonNull(maxTotal, "routing.retry.max-total");
    if (initialBackoff.isNegative()) {
      throw new ConfigException("routing.retry.initial-backoff", initialBackoff, ">= 0");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new ConfigException("routing.retry.max-backoff", maxBackoff, ">= initial-backoff (" + initialBackoff + ")");
    }
    if (maxTotal.isNegative() || maxTotal.isZero()) {
      throw new ConfigException("routing.retry.max-total", maxTotal, "> 0");
    }
  }

  public static RetryPolicy ofDefaults() {
    // One attempt per model unless configured: the SDKs already retry, and a gateway that retries by default
    // multiplies an outage's load (3 SDK tries x 3 gateway tries). Fallbacks and other deployments still apply.
    return new RetryPolicy(1, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  /** Whether another deployment (or the same one later) may succeed where this attempt failed. */
  public static boolean retryable(Throwable failure) {
    return FailureKind.of(failure) == FailureKind.RETRYABLE;
  }

  /** The wait before attempt {@code nextAttempt} (2, 3, ...). */
  public Duration backoff(int nextAttempt, Optional<Duration> retryAfter, RandomGenerator random) {
    int exp = Math.min(30, Math.max(0, nextAttempt - 2));
    long base = initialBackoff.toMillis() << exp;
    long capped = Math.min(base < 0 ? Long.MAX_VALUE : base, maxBackoff.toMillis());
    long jittered = capped <= 1 ? capped : capped / 2 + random.nextLong(capped / 2 + 1);
    Duration wait = Duration.ofMillis(jittered);
    if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
      wait = retryAfter.get();
    }
    return wait;
  }
}
