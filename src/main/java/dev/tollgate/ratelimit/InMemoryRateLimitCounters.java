package dev.tollgate.ratelimit;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RateLimitCounters} in this process: GCRA with the theoretical arrival time per key in
 * nanoseconds since the epoch, updated atomically with {@link ConcurrentHashMap#compute}, so concurrent
 * event loops never admit more than the limit.
 */
public final class InMemoryRateLimitCounters implements RateLimitCounters {
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final ConcurrentHashMap<String, Long> tat = new ConcurrentHashMap<>();

  @Override
  public Future<Result> acquire(String key, long cost, long limitPerMinute, Instant now) {
    if (cost < 0 || limitPerMinute < 1) {
      return Future.failedFuture(new IllegalArgumentException("acquire: cost " + cost + ", limit " + limitPerMinute + " (expected: cost >= 0, limit >= 1)"));
    }
    long t = nanos(now);
    long interval = MINUTE_NANOS / limitPerMinute; // emission interval: one unit every 60s/limit
    long window = interval * limitPerMinute;       // burst: a full minute's worth
    Result[] out = new Result[1];
    tat.compute(key, (k, stored) -> {
      long base = stored == null ? t : Math.max(stored, t);
      long next = base + cost * interval;
      long allowAt = next - window;
      if (allowAt > t) {
        long remaining = Math.max(0, (window - (base - t)) / interval);
        Duration retry = cost > limitPerMinute ? Duration.ofNanos(window) : Duration.ofNanos(allowAt - t);
        out[0] = new Result(false, limitPerMinute, remaining, Duration.ofNanos(base - t), retry);
        return stored;
      }
      long remaining = (window - (next - t)) / interval;
      out[0] = new Result(true, limitPerMinute, remaining, Duration.ofNanos(next - t), Duration.ZERO);
      return next;
    });
    return Future.succeededFuture(out[0]);
  }

  @Override
  public Future<Void> adjust(String key, long delta, long limitPerMinute, Instant now) {
    if (limitPerMinute < 1) {
      return Future.failedFuture(new IllegalArgumentException("adjust: limit " + limitPerMinute + " (expected: >= 1)"));
    }
    long t = nanos(now);
    long interval = MINUTE_NANOS / limitPerMinute;
    tat.compute(key, (k, stored) -> {
      long base = stored == null ? t : Math.max(stored, t);
      return Math.max(t, base + delta * interval);
    });
    return Future.succeededFuture();
  }

  private static long nanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }
}
