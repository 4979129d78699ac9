package dev.tollgate.storage;

import dev.tollgate.ratelimit.RateLimitJson;
import dev.tollgate.ratelimit.RateLimitRule;
import dev.tollgate.ratelimit.RateLimitRuleStore;
import java.util.List;
import java.util.Optional;

/** {@link RateLimitRuleStore} over a {@link SpecTable}: the same for DuckDB and PostgreSQL. */
abstract class JdbcRateLimitRuleStore implements RateLimitRuleStore {
  private final SpecTable<RateLimitRule> table;

  JdbcRateLimitRuleStore(SpecTable<RateLimitRule> table) {
    this.table = table;
  }

  @Override
  public final void insert(RateLimitRule r) {
    table.insert(r.id(), r.orgId(), r.projectId(), RateLimitJson.render(r), r.createdAt());
  }

  @Override
  public final boolean delete(String id) {
    return table.delete(id);
  }

  @Override
  public final Optional<RateLimitRule> find(String id) {
    return table.find(id);
  }

  @Override
  public final List<RateLimitRule> all() {
    return table.all();
  }
}
