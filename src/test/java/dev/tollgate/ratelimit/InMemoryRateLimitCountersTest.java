package dev.tollgate.ratelimit;

class InMemoryRateLimitCountersTest extends RateLimitCountersContract {
  @Override
  protected RateLimitCounters newCounters() {
    return new InMemoryRateLimitCounters();
  }
}
