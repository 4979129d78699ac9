package dev.tollgate.budgets;


import java.time.Duration;
import java.time.Instant;

class InMemoryBudgetCountersTest extends BudgetCountersContract {
  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-22T10:00:00Z"));

  @Override
  protected BudgetCounters newCounters() {
    return new InMemoryBudgetCounters(clock);
  }

  @Override
  protected void passTime(Duration ttl) {
    clock.advance(ttl);
  }
}
