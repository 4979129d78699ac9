package dev.tollgate.storage;

import dev.tollgate.config.TollgateConfig.StoreConfig;
import dev.tollgate.ratelimit.RateLimitRuleStore;
import dev.tollgate.ratelimit.RateLimitRuleStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The rate-limit-rule store contract on a real DuckDB file. */
class DuckDbRateLimitRuleStoreTest extends RateLimitRuleStoreContract {
  @TempDir Path dir;
  Database db;
  RateLimitRuleStore store;

  @BeforeEach
  void open() {
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("rules.duckdb")).url());
    store = new DuckDbRateLimitRuleStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  protected RateLimitRuleStore store() {
    return store;
  }
}
