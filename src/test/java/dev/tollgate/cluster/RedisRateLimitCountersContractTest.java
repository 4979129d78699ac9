package dev.tollgate.cluster;

import dev.tollgate.ratelimit.RateLimitCounters;
import dev.tollgate.ratelimit.RateLimitCountersContract;
import dev.tollgate.testing.RequiresRedis;
import org.junit.jupiter.api.AfterEach;

/** The budgets branch's {@link RateLimitCountersContract}, run against a real Redis (a fresh key prefix per test). */
@RequiresRedis
class RedisRateLimitCountersContractTest extends RateLimitCountersContract {
  private RedisFixture fx;

  @Override
  protected RateLimitCounters newCounters() {
    fx = new RedisFixture();
    return new RedisRateLimitCounters(fx.connect());
  }

  @AfterEach
  void close() {
    if (fx != null) {
      fx.close();
    }
  }
}
