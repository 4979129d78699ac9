package dev.tollgate.cluster;

import static dev.tollgate.cluster.RedisFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.budgets.BudgetCounters;
import dev.tollgate.budgets.BudgetCounters.Counter;
import dev.tollgate.budgets.BudgetCounters.Hold;
import dev.tollgate.budgets.BudgetCounters.Reservation;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.RequiresRedis;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisBudgetCounters} against a real Redis: the {@link BudgetCounters} semantics (reserve, charge,
 * release, read, restore, TTL), exact integer nano-USD, and one budget held exactly by two replicas'
 * connections reserving at the same time.
 */
@RequiresRedis
class RedisBudgetCountersTest {
  private static final long USD = 1_000_000_000L;
  private static final Duration TTL = Duration.ofMinutes(5);
  final MutableClock clock = new MutableClock();
  RedisFixture fx;
  BudgetCounters counters;
  String k1;
  String k2;

  @BeforeEach
  void open() {
    fx = new RedisFixture();
    counters = new RedisBudgetCounters(fx.connect(), clock);
    String run = UUID.randomUUID().toString().substring(0, 6);
    k1 = "budget:org_1:2026-03:" + run;
    k2 = "budget:key_1:2026-03:" + run;
  }

  @AfterEach
  void close() {
    fx.close();
  }

  private static String id() {
    return "res_" + UUID.randomUUID();
  }

  @Test
  void reserve_withinEveryLimit_grantsTheMaximumAndReportsHeadroom() {
    Reservation r = await(counters.reserve(id(), List.of(new Hold(k1, 10 * USD), new Hold(k2, 4 * USD)), USD / 100, USD, TTL));

    assertThat(r).isEqualTo(new Reservation(true, USD, List.of(10 * USD, 4 * USD), -1));
    assertThat(await(counters.read(List.of(k1, k2)))).containsExactly(new Counter(k1, 0, USD), new Counter(k2, 0, USD));
  }

  @Test
  void reserve_grantsWhatTheTightestHoldAllows_atLeastTheMinimum() {
    await(counters.charge(id(), List.of(k2), 3 * USD + 250));

    Reservation r = await(counters.reserve(id(), List.of(new Hold(k1, 10 * USD), new Hold(k2, 4 * USD)), 1, 2 * USD, TTL));

    assertThat(r.admitted()).isTrue();
    assertThat(r.grantedNanos()).isEqualTo(USD - 250);
    assertThat(r.headroomNanos()).containsExactly(10 * USD, USD - 250);
  }

  @Test
  void reserve_whenAHoldCannotPayTheMinimum_refusesAndReservesNothing() {
    await(counters.charge(id(), List.of(k2), 4 * USD));

    Reservation r = await(counters.reserve(id(), List.of(new Hold(k1, 10 * USD), new Hold(k2, 4 * USD)), 1, USD, TTL));

    assertThat(r).isEqualTo(new Reservation(false, 0, List.of(10 * USD, 0L), 1));
    assertThat(await(counters.read(List.of(k1, k2)))).containsExactly(new Counter(k1, 0, 0), new Counter(k2, 4 * USD, 0));
  }

  @Test
  void reserve_trackingOnlyHold_neverRefuses() {
    await(counters.charge(id(), List.of(k1), 1_000 * USD));

    Reservation r = await(counters.reserve(id(), List.of(new Hold(k1, Long.MAX_VALUE)), USD, USD, TTL));

    assertThat(r).isEqualTo(new Reservation(true, USD, List.of(Long.MAX_VALUE), -1));
  }

  @Test
  void reserve_sameIdTwice_fails() {
    String id = id();
    await(counters.reserve(id, List.of(new Hold(k1, 10 * USD)), 1, 1, TTL));

    assertThatThrownBy(() -> await(counters.reserve(id, List.of(new Hold(k1, 10 * USD)), 1, 1, TTL))).hasMessageContaining(id);
  }

  @Test
  void charge_movesTheAmountFromReservedToSpent_neverBelowZero() {
    String id = id();
    await(counters.reserve(id, List.of(new Hold(k1, 10 * USD), new Hold(k2, 10 * USD)), 1, 2 * USD, TTL));

    assertThat(await(counters.charge(id, List.of(k1, k2), USD + 7)))
        .containsExactly(new Counter(k1, USD + 7, USD - 7), new Counter(k2, USD + 7, USD - 7));
    assertThat(await(counters.charge(id, List.of(k1, k2), 5 * USD)))
        .containsExactly(new Counter(k1, 6 * USD + 7, 0), new Counter(k2, 6 * USD + 7, 0));
  }

  @Test
  void release_givesBackTheRest_twiceOrUnknownIsANoOp() {
    String id = id();
    await(counters.reserve(id, List.of(new Hold(k1, 10 * USD)), 1, 3 * USD, TTL));
    await(counters.charge(id, List.of(k1), USD));

    await(counters.release(id));
    await(counters.release(id));
    await(counters.release("res_unknown"));

    assertThat(await(counters.read(List.of(k1)))).containsExactly(new Counter(k1, USD, 0));
    assertThat(await(counters.charge(id, List.of(k1), 2)))
        .as("a late charge after release still counts").containsExactly(new Counter(k1, USD + 2, 0));
  }

  @Test
  void reservation_expiresAfterItsTtl_soACrashedReplicaLeaksNothing() {
    await(counters.reserve(id(), List.of(new Hold(k1, 10 * USD)), 1, 10 * USD, Duration.ofSeconds(30)));
    assertThat(await(counters.reserve(id(), List.of(new Hold(k1, 10 * USD)), 1, 1, TTL)).admitted()).isFalse();

    clock.advance(Duration.ofSeconds(31));

    assertThat(await(counters.read(List.of(k1)))).containsExactly(new Counter(k1, 0, 0));
    assertThat(await(counters.reserve(id(), List.of(new Hold(k1, 10 * USD)), 1, 10 * USD, TTL)).grantedNanos()).isEqualTo(10 * USD);
  }

  @Test
  void restore_setsANewKeyOnly() {
    await(counters.restore(k1, 123_456_789_012L));
    await(counters.restore(k1, 5L));

    assertThat(await(counters.read(List.of(k1)))).containsExactly(new Counter(k1, 123_456_789_012L, 0));
  }

  @Test
  void amounts_nearTheExactLimit_stayExactToTheNano() {
    long limit = RedisBudgetCounters.MAX_EXACT;
    await(counters.charge(id(), List.of(k1), limit - 3));

    Reservation r = await(counters.reserve(id(), List.of(new Hold(k1, limit)), 1, 10, TTL));

    assertThat(r.grantedNanos()).isEqualTo(3);
    assertThat(await(counters.read(List.of(k1)))).containsExactly(new Counter(k1, limit - 3, 3));
  }

  @Test
  void twoReplicas_reservingAtOnce_holdOneBudgetExactly() throws Exception {
    BudgetCounters replicaA = counters;
    BudgetCounters replicaB = new RedisBudgetCounters(fx.connect(), clock);
    long limit = 50 * USD + 123;
    AtomicInteger admitted = new AtomicInteger();
    List<Future<Reservation>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      BudgetCounters c = i % 2 == 0 ? replicaA : replicaB;
      all.add(c.reserve(id(), List.of(new Hold(k1, limit)), USD, USD, TTL).onSuccess(r -> {
        if (r.admitted()) {
          admitted.incrementAndGet();
        }
      }));
    }
    for (Future<Reservation> f : all) {
      await(f);
    }

    assertThat(admitted.get()).isEqualTo(50);
    assertThat(await(replicaB.read(List.of(k1)))).containsExactly(new Counter(k1, 0, 50 * USD));
  }
}
