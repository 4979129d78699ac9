package dev.tollgate.cluster;

import static dev.tollgate.cluster.RedisFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.ratelimit.RateLimitCounters;
import dev.tollgate.ratelimit.RateLimitCounters.Result;
import dev.tollgate.testing.RequiresRedis;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RedisRateLimitCounters} (GCRA in Lua) against a real Redis, with time from the test, not the server. */
@RequiresRedis
class RedisRateLimitCountersTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  RedisFixture fx;
  RateLimitCounters counters;
  String key;

  @BeforeEach
  void open() {
    fx = new RedisFixture();
    counters = new RedisRateLimitCounters(fx.connect());
    key = "rpm:key_" + UUID.randomUUID().toString().substring(0, 6);
  }

  @AfterEach
  void close() {
    fx.close();
  }

  @Test
  void burst_admitsExactlyTheLimit_thenRefusesWithRetryAfterOneInterval() {
    for (int i = 0; i < 6; i++) {
      Result r = await(counters.acquire(key, 1, 6, T0));
      assertThat(r.allowed()).as("request %d", i).isTrue();
      assertThat(r.remaining()).isEqualTo(5 - i);
    }

    Result refused = await(counters.acquire(key, 1, 6, T0));

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(refused.resetAfter()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void afterOneInterval_oneMoreIsAdmitted() {
    for (int i = 0; i < 6; i++) {
      await(counters.acquire(key, 1, 6, T0));
    }

    assertThat(await(counters.acquire(key, 1, 6, T0.plusSeconds(9))).allowed()).isFalse();
    assertThat(await(counters.acquire(key, 1, 6, T0.plusSeconds(10))).allowed()).isTrue();
    assertThat(await(counters.acquire(key, 1, 6, T0.plusSeconds(10))).allowed()).isFalse();
  }

  @Test
  void costAboveTheLimit_isRefusedWithAFullWindow_andTakesNothing() {
    Result r = await(counters.acquire(key, 1_001, 1_000, T0));

    assertThat(r.allowed()).isFalse();
    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(60));
    assertThat(await(counters.acquire(key, 1_000, 1_000, T0)).allowed()).isTrue();
  }

  @Test
  void adjust_givesBackOrTakesUnitsWithoutRefusing() {
    assertThat(await(counters.acquire(key, 900, 1_000, T0)).remaining()).isEqualTo(100);

    await(counters.adjust(key, -500, 1_000, T0));
    assertThat(await(counters.acquire(key, 600, 1_000, T0)).allowed()).isTrue();

    await(counters.adjust(key, 300, 1_000, T0));
    Result r = await(counters.acquire(key, 1, 1_000, T0));
    assertThat(r.allowed()).as("the adjustment overdrew the bucket").isFalse();
  }

  @Test
  void twoReplicas_acquiringAtOnce_admitExactlyTheLimitBetweenThem() {
    RateLimitCounters replicaB = new RedisRateLimitCounters(fx.connect());
    List<Future<Result>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add((i % 2 == 0 ? counters : replicaB).acquire(key, 1, 60, T0.plusMillis(i % 3)));
    }

    long allowed = all.stream().map(RedisFixture::await).filter(Result::allowed).count();

    assertThat(allowed).isEqualTo(60);
  }

  @Test
  void idleKey_expiresFromRedis() {
    await(counters.acquire(key, 1, 60_000, Instant.now()));

    assertThat(fx.keys()).contains(fx.prefix + "rl:" + key);
    RedisFixture.sleep(Duration.ofMillis(1_300));
    assertThat(fx.keys()).doesNotContain(fx.prefix + "rl:" + key);
  }
}
