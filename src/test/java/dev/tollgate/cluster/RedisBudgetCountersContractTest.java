package dev.tollgate.cluster;

import dev.tollgate.budgets.BudgetCounters;
import dev.tollgate.budgets.BudgetCountersContract;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.RequiresRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** The budgets branch's {@link BudgetCountersContract}, run against a real Redis (a fresh key prefix per test). */
@RequiresRedis
class RedisBudgetCountersContractTest extends BudgetCountersContract {
  private RedisFixture fx;
  private final MutableClock clock = new MutableClock();

  @Override
  protected BudgetCounters newCounters() {
    fx = new RedisFixture();
    return new RedisBudgetCounters(fx.connect(), clock);
  }

  @Override
  protected void passTime(Duration ttl) {
    clock.advance(ttl);
  }

  @AfterEach
  void close() {
    if (fx != null) {
      fx.close();
    }
  }
}
