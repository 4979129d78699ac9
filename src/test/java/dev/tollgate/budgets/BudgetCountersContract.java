package dev.tollgate.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.budgets.BudgetCounters.Counter;
import dev.tollgate.budgets.BudgetCounters.Hold;
import dev.tollgate.budgets.BudgetCounters.Reservation;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BudgetCounters} backend must do (in-memory here; the Redis backend extends this too).
 * Amounts are nano-USD.
 */
public abstract class BudgetCountersContract {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final long MAX = Long.MAX_VALUE;

  private BudgetCounters counters;
  private final AtomicInteger ids = new AtomicInteger();

  /** Empty counters, new for each test (a Redis backend uses a fresh key prefix). */
  protected abstract BudgetCounters newCounters();

  /** Makes time pass beyond {@code ttl} for the backend's reservation expiry. */
  protected abstract void passTime(Duration ttl);

  @BeforeEach
  void fresh() {
    counters = newCounters();
  }

  private String id() {
    return "r" + ids.incrementAndGet();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Counter read(String key) {
    return await(counters.read(List.of(key))).getFirst();
  }

  @Test
  void reserve_withinLimit_admitsAndHoldsTheWholeAmount() {
    Reservation r = await(counters.reserve(id(), List.of(new Hold("b:1", 1_000)), 400, 400, TTL));

    assertThat(r.admitted()).isTrue();
    assertThat(r.grantedNanos()).isEqualTo(400);
    assertThat(r.headroomNanos()).containsExactly(1_000L);
    assertThat(read("b:1")).isEqualTo(new Counter("b:1", 0, 400));
  }

  @Test
  void reserve_overLimit_refusesAndHoldsNothing() {
    await(counters.reserve(id(), List.of(new Hold("b:1", 1_000)), 700, 700, TTL));

    Reservation r = await(counters.reserve(id(), List.of(new Hold("b:1", 1_000)), 400, 400, TTL));

    assertThat(r.admitted()).isFalse();
    assertThat(r.refusedBy()).isZero();
    assertThat(r.grantedNanos()).isZero();
    assertThat(r.headroomNanos()).containsExactly(300L);
    assertThat(read("b:1").reservedNanos()).isEqualTo(700);
  }

  @Test
  void reserve_headroomBetweenMinAndMax_grantsTheHeadroom() {
    await(counters.charge(id(), List.of("b:1"), 850));

    Reservation r = await(counters.reserve(id(), List.of(new Hold("b:1", 1_000)), 100, 400, TTL));

    assertThat(r.admitted()).isTrue();
    assertThat(r.grantedNanos()).isEqualTo(150);
    assertThat(read("b:1")).isEqualTo(new Counter("b:1", 850, 150));
  }

  @Test
  void reserve_severalKeys_isAllOrNothing() {
    await(counters.charge(id(), List.of("b:tight"), 900));

    Reservation r = await(counters.reserve(id(), List.of(new Hold("b:roomy", 10_000), new Hold("b:tight", 1_000)), 200, 200, TTL));

    assertThat(r.admitted()).isFalse();
    assertThat(r.refusedBy()).isEqualTo(1);
    assertThat(read("b:roomy").reservedNanos()).isZero();
    assertThat(read("b:tight").reservedNanos()).isZero();
  }

  @Test
  void reserve_trackingHold_neverRefusesButCountsTheReservation() {
    await(counters.charge(id(), List.of("b:alert"), 5_000_000));

    Reservation r = await(counters.reserve(id(), List.of(new Hold("b:alert", MAX)), 300, 300, TTL));

    assertThat(r.admitted()).isTrue();
    assertThat(read("b:alert")).isEqualTo(new Counter("b:alert", 5_000_000, 300));
  }

  @Test
  void charge_movesTheRealCostFromReservedToSpent() {
    String id = id();
    await(counters.reserve(id, List.of(new Hold("b:1", 1_000), new Hold("b:2", MAX)), 500, 500, TTL));

    List<Counter> after = await(counters.charge(id, List.of("b:1", "b:2"), 120));

    assertThat(after).containsExactly(new Counter("b:1", 120, 380), new Counter("b:2", 120, 380));
    await(counters.release(id));
    assertThat(read("b:1")).isEqualTo(new Counter("b:1", 120, 0));
    assertThat(read("b:2")).isEqualTo(new Counter("b:2", 120, 0));
  }

  @Test
  void charge_beyondTheReservation_spendsItAllAndLeavesNothingReserved() {
    String id = id();
    await(counters.reserve(id, List.of(new Hold("b:1", 1_000)), 100, 100, TTL));

    await(counters.charge(id, List.of("b:1"), 70));
    List<Counter> after = await(counters.charge(id, List.of("b:1"), 70)); // a retry: two ledger rows

    assertThat(after).containsExactly(new Counter("b:1", 140, 0));
  }

  @Test
  void release_returnsWhatIsLeft_andIsHarmlessTwiceOrUnknown() {
    String id = id();
    await(counters.reserve(id, List.of(new Hold("b:1", 1_000)), 600, 600, TTL));

    await(counters.release(id));
    await(counters.release(id));
    await(counters.release("never-reserved"));

    assertThat(read("b:1")).isEqualTo(new Counter("b:1", 0, 0));
    assertThat(await(counters.reserve(id(), List.of(new Hold("b:1", 1_000)), 1_000, 1_000, TTL)).admitted()).isTrue();
  }

  @Test
  void charge_afterRelease_stillCountsTheSpend() {
    String id = id();
    await(counters.reserve(id, List.of(new Hold("b:1", 1_000)), 100, 100, TTL));
    await(counters.release(id));

    await(counters.charge(id, List.of("b:1"), 80));

    assertThat(read("b:1")).isEqualTo(new Counter("b:1", 80, 0));
  }

  @Test
  void reservation_notSettled_expiresAfterItsTtl() {
    await(counters.reserve(id(), List.of(new Hold("b:1", 1_000)), 900, 900, Duration.ofSeconds(30)));
    assertThat(await(counters.reserve(id(), List.of(new Hold("b:1", 1_000)), 500, 500, TTL)).admitted()).isFalse();

    passTime(Duration.ofSeconds(31));

    assertThat(read("b:1").reservedNanos()).isZero();
    assertThat(await(counters.reserve(id(), List.of(new Hold("b:1", 1_000)), 500, 500, TTL)).admitted()).isTrue();
  }

  @Test
  void restore_setsTheSpendOfANewKeyOnly() {
    await(counters.restore("b:new", 700));
    await(counters.charge(id(), List.of("b:used"), 10));
    await(counters.restore("b:used", 999));

    assertThat(read("b:new").spentNanos()).isEqualTo(700);
    assertThat(read("b:used").spentNanos()).isEqualTo(10);
  }

  @Test
  void restore_twice_likeTwoReplicasStarting_doesNotCountTwice_andReservationsOnlyStillGetTheSpend() {
    await(counters.restore("b:shared", 700));
    await(counters.restore("b:shared", 700));
    assertThat(await(counters.reserve(id(), List.of(new Hold("b:reserved-only", 10_000)), 100, 100, TTL)).admitted()).isTrue();
    await(counters.restore("b:reserved-only", 300));

    assertThat(read("b:shared").spentNanos()).isEqualTo(700);
    assertThat(read("b:reserved-only").spentNanos()).isEqualTo(300);
    assertThat(read("b:reserved-only").reservedNanos()).isEqualTo(100);
  }

  @Test
  void concurrentReservations_fromManyThreads_neverSpendPastTheLimit() throws Exception {
    long limit = 1_000_000;
    int threads = 16;
    int perThread = 300;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicLong admittedCost = new AtomicLong();
    AtomicInteger admitted = new AtomicInteger();
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      done.add(pool.submit(() -> {
        SplittableRandom rnd = new SplittableRandom(seed);
        start.await();
        for (int i = 0; i < perThread; i++) {
          String id = "t" + seed + "-" + i;
          long worst = 1_000 + rnd.nextInt(9_000);
          Reservation r = await(counters.reserve(id, List.of(new Hold("b:hot", limit), new Hold("b:other", MAX)), worst, worst, TTL));
          if (r.admitted()) {
            admitted.incrementAndGet();
            if (rnd.nextInt(4) != 0) { // a quarter fail upstream and only release
              long real = 1 + rnd.nextLong(worst);
              admittedCost.addAndGet(real);
              await(counters.charge(id, List.of("b:hot", "b:other"), real));
            }
          }
          await(counters.release(id));
        }
        return null;
      }));
    }
    start.countDown();
    for (var f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    Counter hot = read("b:hot");
    assertThat(hot.reservedNanos()).isZero();
    assertThat(hot.spentNanos()).isEqualTo(admittedCost.get()).isLessThanOrEqualTo(limit);
    assertThat(read("b:other")).isEqualTo(new Counter("b:other", admittedCost.get(), 0));
    assertThat(admitted.get()).isGreaterThan(100); // releases made room again and again
    long left = limit - hot.spentNanos();
    assertThat(await(counters.reserve(id(), List.of(new Hold("b:hot", limit)), left, left, TTL)).admitted()).isTrue();
  }
}
