package dev.tollgate.storage;

import dev.tollgate.ratelimit.RateLimitJson;
import dev.tollgate.ratelimit.RateLimitRule;
import dev.tollgate.ratelimit.RateLimitRuleStore;
import java.util.List;
import java.util.Optional;

/** {@link RateLimitRuleStore} on PostgreSQL ({@link DuckDbRateLimitRuleStore} is the DuckDB twin). */
public final class PostgresRateLimitRuleStore implements RateLimitRuleStore {
  private final SpecTable<RateLimitRule> table;

  public PostgresRateLimitRuleStore(PostgresDatabase db) {
    this.table = new SpecTable<>(db, "rate_limit_rules", "rate-limit rule", RateLimitJson::fromStored);
  }

  @Override
  public void insert(RateLimitRule r) {
    table.insert(r.id(), r.orgId(), r.projectId(), RateLimitJson.render(r), r.createdAt());
  }

  @Override
  public boolean delete(String id) {
    return table.delete(id);
  }

  @Override
  public Optional<RateLimitRule> find(String id) {
    return table.find(id);
  }

  @Override
  public List<RateLimitRule> all() {
    return table.all();
  }
}
