package dev.tollgate.budgets;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Budget counters: per counter key (a budget in one period) the settled spend and the sum of open
 * reservations, in integer nano-USD. Every operation is atomic across all the keys it names, so N
 * gateway threads (or N replicas, with Redis and a Lua script per operation) hold one budget exactly.
 * Answers are futures because in cluster mode they are a network round trip.
 *
 * <p>Designed for Redis: a key is a hash {@code {spent, reserved}}; a reservation is a hash
 * {@code {amount, keys}} with a TTL, and an index of reservations per counter key so that expired ones are
 * subtracted from {@code reserved} (the in-memory implementation does it on every operation).
 */
public interface BudgetCounters {

  /**
   * One key to reserve against.
   *
   * @param limitNanos the most {@code spent + reserved} may reach; {@link Long#MAX_VALUE} means the key only
   *     tracks (an alert-only budget), it never refuses
   */
  record Hold(String counterKey, long limitNanos) {
    public Hold {
      requireNonNull(counterKey, "counterKey");
      if (limitNanos < 0) {
        throw new IllegalArgumentException("limitNanos: " + limitNanos + " (expected: >= 0)");
      }
    }
  }

  /**
   * The outcome of a reservation.
   *
   * @param admitted whether at least the minimum was reserved
   * @param grantedNanos what was reserved (between the minimum and the maximum asked); 0 when refused
   * @param headroomNanos per hold, in order: what the limit left before this reservation
   *     ({@code limit - spent - reserved}, never negative)
   * @param refusedBy the index of the first hold that could not pay the minimum, or -1
   */
  record Reservation(boolean admitted, long grantedNanos, List<Long> headroomNanos, int refusedBy) {
    public Reservation {
      headroomNanos = List.copyOf(headroomNanos);
    }
  }

  /** A counter's state. */
  record Counter(String counterKey, long spentNanos, long reservedNanos) {}

  /**
   * Atomically reserves as much of {@code maxNanos} as every hold's headroom allows, but at least
   * {@code minNanos}; reserves nothing and refuses when some hold cannot pay {@code minNanos}. The
   * reservation disappears by itself after {@code ttl} (a crashed request cannot leak it).
   */
  Future<Reservation> reserve(String reservationId, List<Hold> holds, long minNanos, long maxNanos, Duration ttl);

  /**
   * Adds real spend to every key and takes the same amount out of the reservation (never below zero).
   * Works after the reservation expired or was released (a late ledger row still counts). Returns the
   * counters after the charge, in the order of {@code counterKeys}.
   */
  Future<List<Counter>> charge(String reservationId, List<String> counterKeys, long nanos);

  /** Releases what is left of the reservation. Releasing twice, or an unknown id, does nothing. */
  Future<Void> release(String reservationId);

  Future<List<Counter>> read(List<String> counterKeys);

  /**
   * Sets a key's spend from the ledger unless the key was already charged or restored, whose spend is left
   * alone: replicas sharing the counters restore at start without counting twice. A key that only holds
   * reservations (made between a counter-store restart and this restore) does get the spend.
   */
  Future<Void> restore(String counterKey, long spentNanos);
}
