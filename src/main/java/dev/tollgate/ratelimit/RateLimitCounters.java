package dev.tollgate.ratelimit;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;

/**
 * Rate-limit counters, GCRA (the generic cell rate algorithm): per key one number, the theoretical
 * arrival time. {@code limit} units per minute are admitted, with a burst of up to a full minute's worth.
 * Designed for Redis: one key per limit holding the TAT in microseconds, updated by a Lua script
 * ({@code now} is passed in, never read from the Redis server, so tests can control time).
 */
public interface RateLimitCounters {

  /**
   * The answer to one acquire.
   *
   * @param remaining units that could still be taken right now after this call
   * @param resetAfter until the bucket is full again (the {@code x-ratelimit-reset-*} header)
   * @param retryAfter when refused: until {@code cost} units fit; zero when allowed
   */
  record Result(boolean allowed, long limit, long remaining, Duration resetAfter, Duration retryAfter) {}

  /** Takes {@code cost} units if they fit under {@code limitPerMinute}; takes nothing when they do not. */
  Future<Result> acquire(String key, long cost, long limitPerMinute, Instant now);

  /**
   * Adds (positive) or gives back (negative) units without refusing: the TPM correction once the real
   * token count is known.
   */
  Future<Void> adjust(String key, long delta, long limitPerMinute, Instant now);
}
