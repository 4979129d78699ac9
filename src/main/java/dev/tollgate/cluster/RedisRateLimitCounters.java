package dev.tollgate.cluster;

import static java.util.Objects.requireNonNull;

import dev.tollgate.cluster.RedisConfig.FailMode;
import dev.tollgate.common.UnavailableException;
import dev.tollgate.ratelimit.RateLimitCounters;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RateLimitCounters} in Redis: GCRA, one key per limit ({@code rl:<key>} under the prefix) holding
 * the theoretical arrival time in microseconds since the epoch, updated by one Lua script per call, so N
 * replicas admit exactly {@code limit} units per minute between them. {@code now} comes from the caller
 * (its injected clock), never from the Redis server. The emission interval is a whole number of
 * microseconds ({@code 60 s / limit}, rounded down, like the in-memory counters round nanoseconds), so a
 * limit above 60,000,000 units per minute is enforced as 60,000,000. Keys expire once their bucket is full
 * again.
 */
public final class RedisRateLimitCounters implements RateLimitCounters {
  private static final Logger log = LoggerFactory.getLogger(RedisRateLimitCounters.class);
  static final long MINUTE_MICROS = 60_000_000L;

  /** KEYS[1]: the key. ARGV: cost, limit, now (µs). Returns allowed, remaining, resetAfter µs, retryAfter µs. */
  private static final String ACQUIRE = """
      local cost, limit, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
      local interval = math.max(1, math.floor(60000000 / limit))
      local window = interval * limit
      local stored = tonumber(redis.call('GET', KEYS[1]) or '0')
      local base = math.max(stored, now)
      local nxt = base + cost * interval
      local allowAt = nxt - window
      if allowAt > now then
        local remaining = math.max(0, math.floor((window - (base - now)) / interval))
        local retry = allowAt - now
        if cost > limit then retry = window end
        return {0, remaining, base - now, retry}
      end
      redis.call('SET', KEYS[1], nxt, 'PX', math.floor((nxt - now) / 1000) + 1000)
      return {1, math.floor((window - (nxt - now)) / interval), nxt - now, 0}
      """;

  /** KEYS[1]: the key. ARGV: delta, limit, now (µs). */
  private static final String ADJUST = """
      local delta, limit, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
      local interval = math.max(1, math.floor(60000000 / limit))
      local stored = tonumber(redis.call('GET', KEYS[1]) or '0')
      local nxt = math.max(now, math.max(stored, now) + delta * interval)
      if nxt > now then
        redis.call('SET', KEYS[1], nxt, 'PX', math.floor((nxt - now) / 1000) + 1000)
      else
        redis.call('DEL', KEYS[1])
      end
      return 1
      """;

  private final Redis redis;
  private final FailMode failMode;

  public RedisRateLimitCounters(Redis redis) {
    this(redis, redis.config().rateLimitsFailMode());
  }

  public RedisRateLimitCounters(Redis redis, FailMode failMode) {
    this.redis = requireNonNull(redis, "redis");
    this.failMode = requireNonNull(failMode, "failMode");
  }

  @Override
  public Future<Result> acquire(String key, long cost, long limitPerMinute, Instant now) {
    if (cost < 0 || limitPerMinute < 1) {
      return Future.failedFuture(new IllegalArgumentException("acquire: cost " + cost + ", limit " + limitPerMinute + " (expected: cost >= 0, limit >= 1)"));
    }
    long limit = Math.min(limitPerMinute, MINUTE_MICROS);
    return redis.<List<Object>>eval(ACQUIRE, ScriptOutputType.MULTI, List.of(redis.key("rl:" + key)),
            List.of(Long.toString(cost), Long.toString(limit), Long.toString(micros(now))))
        .map(out -> new Result((Long) out.get(0) == 1, limitPerMinute, (Long) out.get(1),
            Duration.of((Long) out.get(2), ChronoUnit.MICROS), Duration.of((Long) out.get(3), ChronoUnit.MICROS)))
        .recover(e -> {
          if (!Redis.isOutage(e)) {
            return Future.failedFuture(e);
          }
          if (failMode == FailMode.OPEN) {
            log.debug("rate limit {} not enforced: Redis unreachable (redis.rate-limits-fail-mode: open)", key);
            return Future.succeededFuture(new Result(true, limitPerMinute, limitPerMinute, Duration.ZERO, Duration.ZERO));
          }
          return Future.failedFuture(new UnavailableException("rate limit: the shared counters (Redis) are unreachable ("
              + Redis.unwrap(e).getClass().getSimpleName() + "); redis.rate-limits-fail-mode is closed, so requests are refused"));
        });
  }

  @Override
  public Future<Void> adjust(String key, long delta, long limitPerMinute, Instant now) {
    if (limitPerMinute < 1) {
      return Future.failedFuture(new IllegalArgumentException("adjust: limit " + limitPerMinute + " (expected: >= 1)"));
    }
    long limit = Math.min(limitPerMinute, MINUTE_MICROS);
    return redis.<Long>eval(ADJUST, ScriptOutputType.INTEGER, List.of(redis.key("rl:" + key)),
            List.of(Long.toString(delta), Long.toString(limit), Long.toString(micros(now))))
        .<Void>mapEmpty()
        // a correction after the response cannot refuse anything: lost while Redis is down, in either mode
        .recover(e -> Redis.isOutage(e) ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }
}
