package dev.tollgate.cluster;

import static dev.tollgate.cluster.RedisFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.budgets.BudgetCounters;
import dev.tollgate.budgets.BudgetCounters.Hold;
import dev.tollgate.cluster.RedisConfig.FailMode;
import dev.tollgate.common.UnavailableException;
import dev.tollgate.ratelimit.RateLimitCounters;
import dev.tollgate.testing.CuttableProxy;
import dev.tollgate.testing.ExternalServices;
import dev.tollgate.testing.RequiresRedis;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis going away under the counters, through a TCP proxy the test cuts: each fail mode does what the
 * configuration says (closed: 503, open: admit), health follows, and once the proxy is restored the
 * connection comes back by itself and the counters count again.
 */
@RequiresRedis
class RedisOutageTest {
  private static final long USD = 1_000_000_000L;
  RedisFixture fx;
  CuttableProxy proxy;
  Redis redis;

  @BeforeEach
  void open() {
    fx = new RedisFixture();
    URI target = URI.create(ExternalServices.REDIS_URL);
    proxy = CuttableProxy.to(target.getHost(), target.getPort() < 0 ? 6379 : target.getPort());
    redis = fx.connect(fx.config().withUrl("redis://127.0.0.1:" + proxy.port()));
  }

  @AfterEach
  void close() {
    proxy.close();
    fx.close();
  }

  @Test
  void budgets_failClosedByDefault_refuseWhileCut_thenCountAgainAfterRestore() {
    assertThat(redis.config().budgetsFailMode()).isEqualTo(FailMode.CLOSED);
    BudgetCounters counters = new RedisBudgetCounters(redis, java.time.Clock.systemUTC());
    String key = "budget:" + UUID.randomUUID();
    assertThat(await(counters.reserve("r1", List.of(new Hold(key, 10 * USD)), 1, USD, Duration.ofMinutes(1))).admitted()).isTrue();

    proxy.cut();
    assertThatThrownBy(() -> await(counters.reserve("r2", List.of(new Hold(key, 10 * USD)), 1, USD, Duration.ofMinutes(1))))
        .isInstanceOf(UnavailableException.class).hasMessageContaining("redis.budgets-fail-mode is closed");
    awaitTrue(() -> !redis.healthy(), Duration.ofSeconds(10));

    proxy.restore();
    awaitTrue(redis::healthy, Duration.ofSeconds(30));
    awaitTrue(() -> {
      try {
        return await(counters.reserve("r3-" + UUID.randomUUID(), List.of(new Hold(key, 10 * USD)), 1, USD, Duration.ofMinutes(1))).admitted();
      } catch (UnavailableException e) {
        return false;
      }
    }, Duration.ofSeconds(30));
    assertThat(await(counters.read(List.of(key))).getFirst().reservedNanos()).as("r1 and the reservation after recovery")
        .isEqualTo(2 * USD);
  }

  @Test
  void budgets_failOpen_admitWithoutCountingWhileCut() {
    BudgetCounters counters = new RedisBudgetCounters(redis, java.time.Clock.systemUTC(), FailMode.OPEN);

    proxy.cut();
    BudgetCounters.Reservation r = await(counters.reserve("r1", List.of(new Hold("budget:x", 10)), 1, USD, Duration.ofMinutes(1)));

    assertThat(r.admitted()).isTrue();
    assertThat(r.grantedNanos()).as("the whole maximum: the answer is not capped as if the budget were spent").isEqualTo(USD);
  }

  @Test
  void rateLimits_failOpenByDefault_admitWhileCut_failClosedRefuses() {
    assertThat(redis.config().rateLimitsFailMode()).isEqualTo(FailMode.OPEN);
    RateLimitCounters open = new RedisRateLimitCounters(redis);
    RateLimitCounters closed = new RedisRateLimitCounters(redis, FailMode.CLOSED);
    Instant now = Instant.parse("2026-03-01T12:00:00Z");
    assertThat(await(open.acquire("rpm:k", 1, 1, now)).allowed()).isTrue();
    assertThat(await(open.acquire("rpm:k", 1, 1, now)).allowed()).as("limit reached").isFalse();

    proxy.cut();
    assertThat(await(open.acquire("rpm:k", 1, 1, now)).allowed()).as("fail-open: not enforced while Redis is down").isTrue();
    assertThatThrownBy(() -> await(closed.acquire("rpm:k", 1, 1, now))).isInstanceOf(UnavailableException.class);

    proxy.restore();
    awaitTrue(() -> redis.healthy() && !await(open.acquire("rpm:k", 1, 1, now)).allowed(), Duration.ofSeconds(30));
  }

  private static void awaitTrue(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      RedisFixture.sleep(Duration.ofMillis(50));
    }
  }
}
