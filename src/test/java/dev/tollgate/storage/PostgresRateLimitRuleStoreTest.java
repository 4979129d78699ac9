package dev.tollgate.storage;

import dev.tollgate.ratelimit.RateLimitRuleStore;
import dev.tollgate.ratelimit.RateLimitRuleStoreContract;
import dev.tollgate.testing.RequiresPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The rate-limit-rule store contract on a real PostgreSQL (a fresh schema for this class). */
@RequiresPostgres
class PostgresRateLimitRuleStoreTest extends RateLimitRuleStoreContract {
  static PostgresStores pg;

  @BeforeAll
  static void open() {
    pg = new PostgresStores();
  }

  @AfterAll
  static void close() {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void empty() {
    pg.truncateAll();
  }

  @Override
  protected RateLimitRuleStore store() {
    return new PostgresRateLimitRuleStore(pg.db);
  }
}
