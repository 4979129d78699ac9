package dev.tollgate.storage;

import dev.tollgate.ratelimit.RateLimitJson;
import dev.tollgate.ratelimit.RateLimitRuleStore;

/** {@link RateLimitRuleStore} on PostgreSQL. */
public final class PostgresRateLimitRuleStore extends JdbcRateLimitRuleStore {
  public PostgresRateLimitRuleStore(PostgresDatabase db) {
    super(new SpecTable<>(db, "rate_limit_rules", "rate-limit rule", RateLimitJson::fromStored));
  }
}
