package dev.tollgate.storage;

import dev.tollgate.config.TollgateConfig.StoreConfig;
import dev.tollgate.usage.UsageStore;
import dev.tollgate.usage.UsageStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The usage-store contract on a real DuckDB file. */
class DuckDbUsageStoreTest extends UsageStoreContract {
  @TempDir
  Path dir;
  Database db;
  UsageStore store;

  @BeforeEach
  void open() {
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("usage.duckdb")).url());
    store = new DuckDbUsageStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  protected UsageStore store() {
    return store;
  }
}
