package dev.tollgate.storage;

import dev.tollgate.analytics.AnomalyStore;
import dev.tollgate.analytics.AnomalyStoreContract;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The anomaly-store contract on a real DuckDB file. */
class DuckDbAnomalyStoreTest extends AnomalyStoreContract {
  @TempDir Path dir;
  Database db;

  @BeforeEach
  void open() {
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("anomalies.duckdb")).url());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  protected AnomalyStore store() {
    return new DuckDbAnomalyStore(db);
  }
}
