package dev.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RateLimitCounters} backend must do (GCRA; time is passed in, so no test waits). */
public abstract class RateLimitCountersContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private RateLimitCounters counters;

  /** Empty counters, new for each test. */
  protected abstract RateLimitCounters newCounters();

  @BeforeEach
  void fresh() {
    counters = newCounters();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void acquire_upToTheLimit_allowsThenRefusesWithRetryAfter() {
    for (int i = 0; i < 60; i++) {
      RateLimitCounters.Result r = await(counters.acquire("k", 1, 60, T0));
      assertThat(r.allowed()).as("request %d", i + 1).isTrue();
      assertThat(r.remaining()).isEqualTo(59 - i);
    }

    RateLimitCounters.Result refused = await(counters.acquire("k", 1, 60, T0));

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(refused.resetAfter()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void acquire_afterTime_passes_refillsAtTheRate() {
    for (int i = 0; i < 60; i++) {
      await(counters.acquire("k", 1, 60, T0));
    }

    assertThat(await(counters.acquire("k", 1, 60, T0.plusMillis(999))).allowed()).isFalse();
    assertThat(await(counters.acquire("k", 1, 60, T0.plusSeconds(1))).allowed()).isTrue();
    RateLimitCounters.Result later = await(counters.acquire("k", 10, 60, T0.plusSeconds(11)));
    assertThat(later.allowed()).isTrue();
    assertThat(later.remaining()).isZero();
  }

  @Test
  void acquire_refused_takesNothing() {
    await(counters.acquire("tpm", 900, 1_000, T0));

    assertThat(await(counters.acquire("tpm", 200, 1_000, T0)).allowed()).isFalse();
    RateLimitCounters.Result r = await(counters.acquire("tpm", 100, 1_000, T0));

    assertThat(r.allowed()).isTrue();
    assertThat(r.remaining()).isZero();
  }

  @Test
  void acquire_moreThanTheLimit_isNeverAllowed() {
    RateLimitCounters.Result r = await(counters.acquire("tpm", 1_001, 1_000, T0));

    assertThat(r.allowed()).isFalse();
    assertThat(r.remaining()).isEqualTo(1_000);
  }

  @Test
  void adjust_givesBackOrAddsWithoutRefusing() {
    await(counters.acquire("tpm", 1_000, 1_000, T0));
    assertThat(await(counters.acquire("tpm", 1, 1_000, T0)).allowed()).isFalse();

    await(counters.adjust("tpm", -400, 1_000, T0)); // the real usage was 600 tokens

    RateLimitCounters.Result r = await(counters.acquire("tpm", 400, 1_000, T0));
    assertThat(r.allowed()).isTrue();
    await(counters.adjust("tpm", 50, 1_000, T0));
    assertThat(await(counters.acquire("tpm", 1, 1_000, T0)).allowed()).isFalse();
  }

  @Test
  void keys_areIndependent() {
    await(counters.acquire("a", 10, 10, T0));

    assertThat(await(counters.acquire("a", 1, 10, T0)).allowed()).isFalse();
    assertThat(await(counters.acquire("b", 1, 10, T0)).allowed()).isTrue();
  }

  @Test
  void concurrentAcquires_admitExactlyTheLimit() throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger allowed = new AtomicInteger();
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < 100; i++) {
          if (await(counters.acquire("hot", 1, 500, T0)).allowed()) {
            allowed.incrementAndGet();
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (var f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(allowed.get()).isEqualTo(500);
  }
}
