package dev.tollgate.cluster;

import static dev.tollgate.cluster.RedisFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.cache.CachedResponse;
import dev.tollgate.testing.CuttableProxy;
import dev.tollgate.testing.ExternalServices;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.RequiresRedis;
import dev.tollgate.usage.TokenUsage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RedisResponseCache} against a real Redis: shared between replicas, TTL, byte bound, outage = miss. */
@RequiresRedis
class RedisResponseCacheTest {
  RedisFixture fx;
  final MutableClock clock = new MutableClock();

  @BeforeEach
  void open() {
    fx = new RedisFixture();
  }

  @AfterEach
  void close() {
    fx.close();
  }

  private static CachedResponse response(String text, int padding) {
    byte[] body = ("{\"text\":\"" + text + "\",\"pad\":\"" + "x".repeat(padding) + "\"}").getBytes(StandardCharsets.UTF_8);
    return new CachedResponse(body, List.of(), new TokenUsage(10, 2, 3, 4, 5, 6, 70, 8, 9), "openai", "gpt-4o", "gpt-4o-2024-08-06", "openai-eu");
  }

  private static void assertSame(Optional<CachedResponse> got, CachedResponse expected) {
    assertThat(got).isPresent();
    CachedResponse r = got.get();
    assertThat(r.body()).isEqualTo(expected.body());
    assertThat(r.events()).hasSameSizeAs(expected.events());
    for (int i = 0; i < r.events().size(); i++) {
      assertThat(r.events().get(i)).isEqualTo(expected.events().get(i));
    }
    assertThat(List.of(r.usage(), r.provider(), r.modelServed(), r.upstreamModel(), r.deployment()))
        .isEqualTo(List.of(expected.usage(), expected.provider(), expected.modelServed(), expected.upstreamModel(), expected.deployment()));
  }

  @Test
  void put_onOneReplica_isAHitOnAnother_withEveryFieldIntact() {
    RedisResponseCache a = new RedisResponseCache(fx.connect(), Duration.ofMinutes(5), 1 << 20, 1 << 16, clock);
    RedisResponseCache b = new RedisResponseCache(fx.connect(), Duration.ofMinutes(5), 1 << 20, 1 << 16, clock);
    CachedResponse streamed = new CachedResponse(new byte[0],
        List.of("data: {\"a\":1}\n\n".getBytes(StandardCharsets.UTF_8), new byte[] {0, (byte) 0xff, 10}, "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)),
        new TokenUsage(1, 0, 0, 0, 0, 0, 2, 0, 0), "anthropic", "claude", "claude-x", "anthropic-us");
    try {
      await(a.put("k-json", response("hello é", 10)));
      await(a.put("k-sse", streamed));

      assertSame(await(b.get("k-json")), response("hello é", 10));
      assertSame(await(b.get("k-sse")), streamed);
      assertThat(await(b.get("k-missing"))).isEmpty();
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void entries_expireAfterTheTtl() {
    try (RedisResponseCache c = new RedisResponseCache(fx.connect(), Duration.ofMillis(300), 1 << 20, 1 << 16, clock)) {
      await(c.put("k", response("soon gone", 0)));
      assertThat(await(c.get("k"))).isPresent();

      RedisFixture.sleep(Duration.ofMillis(700));

      assertThat(await(c.get("k"))).isEmpty();
    }
  }

  @Test
  void totalSize_staysUnderMaxBytes_droppingTheOldestFirst() throws Exception {
    long max = 10_000;
    try (RedisResponseCache c = new RedisResponseCache(fx.connect(), Duration.ofMinutes(5), max, 4_000, clock)) {
      for (int i = 0; i < 10; i++) {
        clock.advance(Duration.ofMillis(1));
        await(c.put("k" + i, response("n" + i, 2_900)));
      }

      assertThat(await(c.get("k0"))).isEmpty();
      assertThat(await(c.get("k9"))).isPresent();
      assertThat(await(c.get("k8"))).isPresent();
      long stored = 0;
      int present = 0;
      for (int i = 0; i < 10; i++) {
        Optional<CachedResponse> r = await(c.get("k" + i));
        if (r.isPresent()) {
          present++;
          stored += RedisResponseCache.encode(r.get()).length;
        }
      }
      assertThat(present).isEqualTo(3);
      assertThat(stored).isLessThanOrEqualTo(max);
      assertThat(Long.parseLong(raw(fx.prefix + "cache:bytes"))).as("the byte counter matches what is stored").isEqualTo(stored);
    }
  }

  @Test
  void answerLargerThanMaxEntryBytes_isNotCached() {
    try (RedisResponseCache c = new RedisResponseCache(fx.connect(), Duration.ofMinutes(5), 1 << 20, 1_000, clock)) {
      await(c.put("big", response("big", 2_000)));

      assertThat(await(c.get("big"))).isEmpty();
    }
  }

  @Test
  void redisDown_getIsAMiss_putIsIgnored_thenWorksAgain() {
    URI target = URI.create(ExternalServices.REDIS_URL);
    try (CuttableProxy proxy = CuttableProxy.to(target.getHost(), target.getPort() < 0 ? 6379 : target.getPort())) {
      Redis redis = fx.connect(fx.config().withUrl("redis://127.0.0.1:" + proxy.port()));
      try (RedisResponseCache c = new RedisResponseCache(redis, Duration.ofMinutes(5), 1 << 20, 1 << 16, clock)) {
        await(c.put("k", response("kept", 0)));

        proxy.cut();
        assertThat(await(c.get("k"))).isEmpty();
        await(c.put("other", response("lost", 0)));

        proxy.restore();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (await(c.get("k")).isEmpty()) {
          assertThat(System.nanoTime()).as("cache readable again after the outage").isLessThan(deadline);
          RedisFixture.sleep(Duration.ofMillis(100));
        }
        assertSame(await(c.get("k")), response("kept", 0));
      }
    }
  }

  private static String raw(String key) {
    RedisClient client = RedisClient.create(ExternalServices.REDIS_URL);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().get(key);
    } finally {
      client.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }
}
