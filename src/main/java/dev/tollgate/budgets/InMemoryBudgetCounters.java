package dev.tollgate.budgets;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * {@link BudgetCounters} in this process (embedded mode). One lock around plain maps: every operation is
 * a few map updates, so the critical section is short, and one lock makes multi-key reservations exact
 * however many event-loop threads call at once. Expired reservations are swept on every operation.
 */
public final class InMemoryBudgetCounters implements BudgetCounters {
  private static final class Cell {
    long spent;
    long reserved;
    /** Charged or restored at least once: a later restore leaves the spend alone. */
    boolean counted;
  }

  private static final class Held {
    final String id;
    final List<String> keys;
    long amount;
    final Instant expiresAt;

    Held(String id, List<String> keys, long amount, Instant expiresAt) {
      this.id = id;
      this.keys = keys;
      this.amount = amount;
      this.expiresAt = expiresAt;
    }
  }

  private final Clock clock;
  private final Map<String, Cell> cells = new HashMap<>();
  private final Map<String, Held> reservations = new HashMap<>();
  private final PriorityQueue<Held> byExpiry = new PriorityQueue<>((a, b) -> a.expiresAt.compareTo(b.expiresAt));

  public InMemoryBudgetCounters(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Reservation> reserve(String reservationId, List<Hold> holds, long minNanos, long maxNanos, Duration ttl) {
    if (minNanos < 0 || maxNanos < minNanos) {
      return Future.failedFuture(new IllegalArgumentException("reserve: min " + minNanos + ", max " + maxNanos + " (expected: 0 <= min <= max)"));
    }
    synchronized (this) {
      Instant now = clock.instant();
      sweep(now);
      if (reservations.containsKey(reservationId)) {
        return Future.failedFuture(new IllegalStateException("reservation " + reservationId + " exists already"));
      }
      List<Long> headroom = new ArrayList<>(holds.size());
      long grant = maxNanos;
      int refusedBy = -1;
      for (int i = 0; i < holds.size(); i++) {
        Hold h = holds.get(i);
        Cell c = cells.get(h.counterKey());
        long used = c == null ? 0 : satAdd(c.spent, c.reserved);
        long room = h.limitNanos() == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, h.limitNanos() - used);
        headroom.add(room);
        if (room < minNanos && refusedBy < 0) {
          refusedBy = i;
        }
        grant = Math.min(grant, room);
      }
      if (refusedBy >= 0) {
        return Future.succeededFuture(new Reservation(false, 0, headroom, refusedBy));
      }
      List<String> keys = holds.stream().map(Hold::counterKey).toList();
      for (String k : keys) {
        cells.computeIfAbsent(k, x -> new Cell()).reserved += grant;
      }
      Held held = new Held(reservationId, keys, grant, now.plus(ttl));
      reservations.put(reservationId, held);
      byExpiry.add(held);
      return Future.succeededFuture(new Reservation(true, grant, headroom, -1));
    }
  }

  @Override
  public Future<List<Counter>> charge(String reservationId, List<String> counterKeys, long nanos) {
    if (nanos < 0) {
      return Future.failedFuture(new IllegalArgumentException("charge: " + nanos + " (expected: >= 0)"));
    }
    synchronized (this) {
      sweep(clock.instant());
      Held held = reservations.get(reservationId);
      long fromReservation = held == null ? 0 : Math.min(nanos, held.amount);
      if (held != null) {
        held.amount -= fromReservation;
        for (String k : held.keys) {
          cells.get(k).reserved -= fromReservation;
        }
      }
      List<Counter> out = new ArrayList<>(counterKeys.size());
      for (String k : counterKeys) {
        Cell c = cells.computeIfAbsent(k, x -> new Cell());
        c.spent = satAdd(c.spent, nanos);
        c.counted = true;
        out.add(new Counter(k, c.spent, c.reserved));
      }
      return Future.succeededFuture(out);
    }
  }

  @Override
  public Future<Void> release(String reservationId) {
    synchronized (this) {
      sweep(clock.instant());
      Held held = reservations.remove(reservationId);
      if (held != null) {
        byExpiry.remove(held);
        drop(held);
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<Counter>> read(List<String> counterKeys) {
    synchronized (this) {
      sweep(clock.instant());
      List<Counter> out = new ArrayList<>(counterKeys.size());
      for (String k : counterKeys) {
        Cell c = cells.get(k);
        out.add(c == null ? new Counter(k, 0, 0) : new Counter(k, c.spent, c.reserved));
      }
      return Future.succeededFuture(out);
    }
  }

  @Override
  public Future<Void> restore(String counterKey, long spentNanos) {
    synchronized (this) {
      Cell c = cells.computeIfAbsent(counterKey, k -> new Cell());
      if (!c.counted) {
        c.spent = spentNanos;
        c.counted = true;
      }
    }
    return Future.succeededFuture();
  }

  private void sweep(Instant now) {
    while (!byExpiry.isEmpty() && !byExpiry.peek().expiresAt.isAfter(now)) {
      Held h = byExpiry.poll();
      reservations.remove(h.id);
      drop(h);
    }
  }

  private void drop(Held h) {
    for (String k : h.keys) {
      Cell c = cells.get(k);
      if (c != null) {
        c.reserved -= h.amount;
      }
    }
    h.amount = 0;
  }

  private static long satAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  /** Open reservations (for tests and status). */
  synchronized int openReservations() {
    sweep(clock.instant());
    return reservations.size();
  }

}
