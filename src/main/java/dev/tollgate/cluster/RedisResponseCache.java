package dev.tollgate.cluster;

import static java.util.Objects.requireNonNull;

import dev.tollgate.cache.CachedResponse;
import dev.tollgate.cache.ResponseCache;
import dev.tollgate.usage.TokenUsage;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.vertx.core.Future;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache in Redis, shared by every replica (a hit on one replica is a hit on all, so there is
 * nothing to invalidate per replica). Entries expire {@code ttl} after they were written and the cache holds
 * at most {@code maxBytes}: a Lua script on every put drops expired entries from its index and then the
 * oldest ones until the total fits. So the counters in the same Redis never depend on Redis evicting keys
 * (run it with {@code maxmemory-policy noeviction}). A Redis outage is a cache miss, never an error.
 *
 * <p>Keys under the prefix: {@code cache:e:<key>} the entry (binary, version 1), {@code cache:idx} a sorted
 * set of keys by write time (epoch ms from the injected clock), {@code cache:size} a hash key → bytes,
 * {@code cache:bytes} the total.
 */
public final class RedisResponseCache implements ResponseCache, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisResponseCache.class);
  private static final byte VERSION = 1;

  /** ARGV: prefix, key, value, ttl ms, now ms, size, max bytes. */
  private static final String PUT = """
      local prefix, key, value = ARGV[1], ARGV[2], ARGV[3]
      local ttl, now, size, max = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
      local idx, sizes, total = prefix .. 'cache:idx', prefix .. 'cache:size', prefix .. 'cache:bytes'
      local function forget(k)
        local s = redis.call('HGET', sizes, k)
        if s then
          redis.call('DECRBY', total, s)
          redis.call('HDEL', sizes, k)
        end
        redis.call('ZREM', idx, k)
      end
      for _, k in ipairs(redis.call('ZRANGEBYSCORE', idx, '-inf', now - ttl)) do
        forget(k)
        redis.call('DEL', prefix .. 'cache:e:' .. k)
      end
      forget(key)
      redis.call('SET', prefix .. 'cache:e:' .. key, value, 'PX', ttl)
      redis.call('ZADD', idx, now, key)
      redis.call('HSET', sizes, key, size)
      local bytes = redis.call('INCRBY', total, size)
      while bytes > max do
        local oldest = redis.call('ZRANGE', idx, 0, 0)
        if #oldest == 0 then break end
        forget(oldest[1])
        redis.call('DEL', prefix .. 'cache:e:' .. oldest[1])
        bytes = tonumber(redis.call('GET', total) or '0')
      end
      return bytes
      """;

  private final Redis redis;
  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final Duration ttl;
  private final long maxBytes;
  private final long maxEntryBytes;
  private final Clock clock;
  private final String putSha;

  /**
   * @param ttl how long an entry lives
   * @param maxBytes the most all entries together may hold
   * @param maxEntryBytes larger answers are not cached
   */
  public RedisResponseCache(Redis redis, Duration ttl, long maxBytes, long maxEntryBytes, Clock clock) {
    this.redis = requireNonNull(redis, "redis");
    this.ttl = requireNonNull(ttl, "ttl");
    this.clock = requireNonNull(clock, "clock");
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException("cache ttl: " + ttl + " (expected: >= 1ms)");
    }
    if (maxEntryBytes < 1 || maxEntryBytes > maxBytes) {
      throw new IllegalArgumentException("cache max-entry-bytes: " + maxEntryBytes + " (expected: 1..max-bytes " + maxBytes + ")");
    }
    this.maxBytes = maxBytes;
    this.maxEntryBytes = maxEntryBytes;
    this.connection = redis.client().connect(ByteArrayCodec.INSTANCE);
    this.putSha = connection.async().digest(PUT);
  }

  private byte[] entryKey(String key) {
    return redis.key("cache:e:" + key).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Future<Optional<CachedResponse>> get(String key) {
    CompletableFuture<Optional<CachedResponse>> out = connection.async().get(entryKey(key)).toCompletableFuture()
        .thenApply(bytes -> Optional.ofNullable(bytes).flatMap(RedisResponseCache::decode))
        .exceptionally(e -> {
          log.debug("response cache read failed, treated as a miss: {}", e.toString());
          return Optional.empty();
        });
    return Redis.onContext(out);
  }

  @Override
  public Future<Void> put(String key, CachedResponse response) {
    byte[] value = encode(response);
    if (value.length > maxEntryBytes) {
      return Future.succeededFuture();
    }
    byte[][] args = {
        redis.config().keyPrefix().getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8), value,
        ascii(ttl.toMillis()), ascii(clock.millis()), ascii(value.length), ascii(maxBytes)};
    byte[][] noKeys = new byte[0][];
    CompletableFuture<Void> done = connection.async().<Long>evalsha(putSha, ScriptOutputType.INTEGER, noKeys, args)
        .toCompletableFuture()
        .exceptionallyCompose(e -> Redis.unwrap(e) instanceof RedisNoScriptException
            ? connection.async().<Long>eval(PUT, ScriptOutputType.INTEGER, noKeys, args).toCompletableFuture()
            : CompletableFuture.failedFuture(e))
        .<Void>thenApply(n -> null)
        .exceptionally(e -> {
          log.debug("response cache write failed, not cached: {}", e.toString());
          return null;
        });
    return Redis.onContext(done);
  }

  private static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] encode(CachedResponse r) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, r.weight()));
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeInt(r.body().length);
      out.write(r.body());
      out.writeInt(r.events().size());
      for (byte[] e : r.events()) {
        out.writeInt(e.length);
        out.write(e);
      }
      TokenUsage u = r.usage();
      for (long n : new long[] {u.inputTokens(), u.cacheReadTokens(), u.cacheWrite5mTokens(), u.cacheWrite1hTokens(),
          u.audioInputTokens(), u.imageInputTokens(), u.outputTokens(), u.reasoningTokens(), u.audioOutputTokens()}) {
        out.writeLong(n);
      }
      out.writeUTF(r.provider());
      out.writeUTF(r.modelServed());
      out.writeUTF(r.upstreamModel());
      out.writeUTF(r.deployment());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a cached response", e);
    }
  }

  /** Empty for an entry this version cannot read (written by a newer replica during a rolling upgrade). */
  static Optional<CachedResponse> decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      if (in.readByte() != VERSION) {
        return Optional.empty();
      }
      byte[] body = in.readNBytes(in.readInt());
      int n = in.readInt();
      List<byte[]> events = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        events.add(in.readNBytes(in.readInt()));
      }
      TokenUsage usage = new TokenUsage(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
          in.readLong(), in.readLong(), in.readLong(), in.readLong());
      return Optional.of(new CachedResponse(body, events, usage, in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF()));
    } catch (IOException | RuntimeException e) {
      log.warn("unreadable response cache entry ignored: {}", e.toString());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    connection.close();
  }
}
