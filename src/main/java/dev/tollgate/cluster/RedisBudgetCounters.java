package dev.tollgate.cluster;

import static java.util.Objects.requireNonNull;

import dev.tollgate.budgets.BudgetCounters;
import dev.tollgate.cluster.RedisConfig.FailMode;
import dev.tollgate.common.UnavailableException;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BudgetCounters} in Redis, shared by every replica. Each operation is one Lua script, so it is
 * atomic across all the keys it names. Amounts are integer nano-USD; Redis adds them with
 * {@code HINCRBY} (exact 64-bit), and the comparisons in Lua are exact because amounts and limits are
 * kept below 2^53 nano-USD (about 9 million USD per counter; a larger limit only tracks, like
 * {@link Long#MAX_VALUE}).
 *
 * <p>Layout under {@code redis.key-prefix}: {@code b:c:<counter>} a hash {spent, reserved};
 * {@code b:z:<counter>} a sorted set of the counter's open reservations by expiry (epoch ms from the
 * injected clock, like the in-memory counters: replicas' clocks are NTP-close, TTLs are minutes);
 * {@code b:r:<id>} a hash {amount, keys}. Every script first sweeps the expired reservations of the
 * counters it touches, so a crashed replica's reservations stop counting after their TTL; the reservation
 * hash itself lives one hour longer than its TTL so a sweep can still read its amount.
 *
 * <p>A single Redis primary (with replicas or Sentinel for failover): the scripts reach keys derived from
 * a reservation, which Redis Cluster's one-slot rule does not allow.
 */
public final class RedisBudgetCounters implements BudgetCounters {
  private static final Logger log = LoggerFactory.getLogger(RedisBudgetCounters.class);
  /** Largest amount or limit compared exactly in Lua (2^53 - 1). */
  static final long MAX_EXACT = (1L << 53) - 1;

  /** Shared by every script: sweeping expired reservations. ARGV[1] is the key prefix, ARGV[2] now (epoch ms). */
  private static final String SWEEP = """
      local prefix = ARGV[1]
      local now = tonumber(ARGV[2])
      local function drop(id)
        local r = prefix .. 'b:r:' .. id
        local amount = tonumber(redis.call('HGET', r, 'amount') or '0')
        local keys = redis.call('HGET', r, 'keys')
        if keys then
          for k in string.gmatch(keys, '[^\\n]+') do
            if amount > 0 then redis.call('HINCRBY', prefix .. 'b:c:' .. k, 'reserved', -amount) end
            redis.call('ZREM', prefix .. 'b:z:' .. k, id)
          end
        end
        redis.call('DEL', r)
      end
      local function sweep(counter)
        local z = prefix .. 'b:z:' .. counter
        local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
        for _, id in ipairs(expired) do drop(id) end
        redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
      end
      """;

  /** ARGV: prefix, now, id, min, max, ttlMs, n, counter names x n, limits x n (-1 = unlimited). */
  private static final String RESERVE = SWEEP + """
      local id, min, max, ttl, n = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
      for i = 1, n do sweep(ARGV[7 + i]) end
      if redis.call('EXISTS', prefix .. 'b:r:' .. id) == 1 then return redis.error_reply('reservation ' .. id .. ' exists already') end
      local grant, refused, out = max, -1, {}
      for i = 1, n do
        local c = redis.call('HMGET', prefix .. 'b:c:' .. ARGV[7 + i], 'spent', 'reserved')
        local used = tonumber(c[1] or '0') + tonumber(c[2] or '0')
        local limit = tonumber(ARGV[7 + n + i])
        local room = -1
        if limit >= 0 then
          room = math.max(0, limit - used)
          if room < min and refused < 0 then refused = i - 1 end
          if room < grant then grant = room end
        end
        out[3 + i] = room
      end
      if refused >= 0 then
        out[1], out[2], out[3] = 0, 0, refused
        return out
      end
      local names = {}
      for i = 1, n do
        local counter = ARGV[7 + i]
        names[i] = counter
        redis.call('HINCRBY', prefix .. 'b:c:' .. counter, 'reserved', grant)
        redis.call('ZADD', prefix .. 'b:z:' .. counter, now + ttl, id)
      end
      local r = prefix .. 'b:r:' .. id
      redis.call('HSET', r, 'amount', grant, 'keys', table.concat(names, '\\n'))
      redis.call('PEXPIRE', r, ttl + 3600000)
      out[1], out[2], out[3] = 1, grant, -1
      return out
      """;

  /** ARGV: prefix, now, id, nanos, n, counter names x n. Returns spent, reserved per counter. */
  private static final String CHARGE = SWEEP + """
      local id, nanos, n = ARGV[3], ARGV[4], tonumber(ARGV[5])
      for i = 1, n do sweep(ARGV[5 + i]) end
      local r = prefix .. 'b:r:' .. id
      local amount = tonumber(redis.call('HGET', r, 'amount') or '0')
      local keys = redis.call('HGET', r, 'keys')
      local take = math.min(tonumber(nanos), amount)
      if keys and take > 0 then
        redis.call('HINCRBY', r, 'amount', -take)
        for k in string.gmatch(keys, '[^\\n]+') do redis.call('HINCRBY', prefix .. 'b:c:' .. k, 'reserved', -take) end
      end
      local out = {}
      for i = 1, n do
        local c = prefix .. 'b:c:' .. ARGV[5 + i]
        out[2 * i - 1] = redis.call('HINCRBY', c, 'spent', nanos)
        out[2 * i] = tonumber(redis.call('HGET', c, 'reserved') or '0')
      end
      return out
      """;

  /** ARGV: prefix, now, id. */
  private static final String RELEASE = SWEEP + """
      drop(ARGV[3])
      return 1
      """;

  /** ARGV: prefix, now, n, counter names x n. */
  private static final String READ = SWEEP + """
      local n = tonumber(ARGV[3])
      local out = {}
      for i = 1, n do
        sweep(ARGV[3 + i])
        local c = redis.call('HMGET', prefix .. 'b:c:' .. ARGV[3 + i], 'spent', 'reserved')
        out[2 * i - 1] = tonumber(c[1] or '0')
        out[2 * i] = tonumber(c[2] or '0')
      end
      return out
      """;

  /**
   * ARGV: prefix, counter, spent. Only a counter that was never charged gets the spend: one that only holds
   * reservations (requests reserved between a Redis restart and this restore) is restored too.
   */
  private static final String RESTORE = """
      local c = ARGV[1] .. 'b:c:' .. ARGV[2]
      redis.call('HSETNX', c, 'spent', ARGV[3])
      return 1
      """;

  private final Redis redis;
  private final Clock clock;
  private final FailMode failMode;

  public RedisBudgetCounters(Redis redis, Clock clock) {
    this(redis, clock, redis.config().budgetsFailMode());
  }

  public RedisBudgetCounters(Redis redis, Clock clock, FailMode failMode) {
    this.redis = requireNonNull(redis, "redis");
    this.clock = requireNonNull(clock, "clock");
    this.failMode = requireNonNull(failMode, "failMode");
  }

  private String prefix() {
    return redis.config().keyPrefix();
  }

  private String now() {
    return Long.toString(clock.millis());
  }

  @Override
  public Future<Reservation> reserve(String reservationId, List<Hold> holds, long minNanos, long maxNanos, Duration ttl) {
    if (minNanos < 0 || maxNanos < minNanos) {
      return Future.failedFuture(new IllegalArgumentException("reserve: min " + minNanos + ", max " + maxNanos + " (expected: 0 <= min <= max)"));
    }
    if (maxNanos > MAX_EXACT) {
      return Future.failedFuture(new IllegalArgumentException("reserve: max " + maxNanos + " (expected: <= " + MAX_EXACT + " nano-USD)"));
    }
    if (ttl.toMillis() < 1) {
      return Future.failedFuture(new IllegalArgumentException("reserve: ttl " + ttl + " (expected: >= 1ms)"));
    }
    List<String> args = new ArrayList<>(7 + 2 * holds.size());
    Collections.addAll(args, prefix(), now(), reservationId, Long.toString(minNanos), Long.toString(maxNanos),
        Long.toString(ttl.toMillis()), Integer.toString(holds.size()));
    holds.forEach(h -> args.add(h.counterKey()));
    holds.forEach(h -> args.add(h.limitNanos() > MAX_EXACT ? "-1" : Long.toString(h.limitNanos())));
    return redis.<List<Object>>eval(RESERVE, ScriptOutputType.MULTI, List.of(), args)
        .map(out -> {
          List<Long> headroom = new ArrayList<>(holds.size());
          for (int i = 0; i < holds.size(); i++) {
            long room = (Long) out.get(3 + i);
            headroom.add(room < 0 ? Long.MAX_VALUE : room);
          }
          return new Reservation((Long) out.get(0) == 1, (Long) out.get(1), headroom, ((Long) out.get(2)).intValue());
        })
        // fail-open grants the whole maximum (nothing is held anywhere): a smaller grant would cap the answer's
        // output as if the budget were nearly spent
        .recover(e -> onOutage("reserve", e, () -> new Reservation(true, maxNanos, holds.stream().map(h -> Long.MAX_VALUE).toList(), -1)));
  }

  @Override
  public Future<List<Counter>> charge(String reservationId, List<String> counterKeys, long nanos) {
    if (nanos < 0) {
      return Future.failedFuture(new IllegalArgumentException("charge: " + nanos + " (expected: >= 0)"));
    }
    List<String> args = new ArrayList<>(4 + counterKeys.size());
    Collections.addAll(args, prefix(), now(), reservationId, Long.toString(nanos), Integer.toString(counterKeys.size()));
    args.addAll(counterKeys);
    // a lost charge is not admitted traffic: it fails in both modes, and the ledger still holds the spend
    return redis.<List<Object>>eval(CHARGE, ScriptOutputType.MULTI, List.of(), args).map(out -> counters(counterKeys, out))
        .recover(e -> Future.failedFuture(Redis.isOutage(e) ? unavailable("charge", e) : e));
  }

  @Override
  public Future<Void> release(String reservationId) {
    return redis.<Long>eval(RELEASE, ScriptOutputType.INTEGER, List.of(), List.of(prefix(), now(), reservationId))
        .<Void>mapEmpty()
        // an unreleased reservation expires by its TTL: nothing to refuse here
        .recover(e -> Redis.isOutage(e) ? Future.succeededFuture() : Future.failedFuture(e));
  }

  @Override
  public Future<List<Counter>> read(List<String> counterKeys) {
    List<String> args = new ArrayList<>(2 + counterKeys.size());
    Collections.addAll(args, prefix(), now(), Integer.toString(counterKeys.size()));
    args.addAll(counterKeys);
    return redis.<List<Object>>eval(READ, ScriptOutputType.MULTI, List.of(), args).map(out -> counters(counterKeys, out))
        .recover(e -> Future.failedFuture(Redis.isOutage(e) ? unavailable("read", e) : e));
  }

  @Override
  public Future<Void> restore(String counterKey, long spentNanos) {
    return redis.<Long>eval(RESTORE, ScriptOutputType.INTEGER, List.of(), List.of(prefix(), counterKey, Long.toString(spentNanos)))
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(Redis.isOutage(e) ? unavailable("restore", e) : e));
  }

  private static List<Counter> counters(List<String> keys, List<Object> out) {
    List<Counter> counters = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      counters.add(new Counter(keys.get(i), (Long) out.get(2 * i), (Long) out.get(2 * i + 1)));
    }
    return counters;
  }

  /** Redis unreachable: fail-closed refuses (503), fail-open answers {@code open}. Script errors pass through. */
  private <T> Future<T> onOutage(String op, Throwable e, java.util.function.Supplier<T> open) {
    if (!Redis.isOutage(e)) {
      return Future.failedFuture(e);
    }
    if (failMode == FailMode.OPEN) {
      log.warn("budget {} admitted without counting: Redis unreachable (redis.budgets-fail-mode: open): {}", op, e.toString());
      return Future.succeededFuture(open.get());
    }
    return Future.failedFuture(unavailable(op, e));
  }

  private static UnavailableException unavailable(String op, Throwable e) {
    return new UnavailableException("budget " + op + ": the shared budget counters (Redis) are unreachable ("
        + Redis.unwrap(e).getClass().getSimpleName() + "); redis.budgets-fail-mode is closed, so requests under a budget are refused");
  }
}
