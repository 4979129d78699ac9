package dev.tollgate.storage;

import dev.tollgate.ratelimit.RateLimitJson;
import dev.tollgate.ratelimit.RateLimitRuleStore;

/** {@link RateLimitRuleStore} on DuckDB. */
public final class DuckDbRateLimitRuleStore extends JdbcRateLimitRuleStore {
  public DuckDbRateLimitRuleStore(Database db) {
    super(new SpecTable<>(db, "rate_limit_rules", "rate-limit rule", RateLimitJson::fromStored));
  }
}
