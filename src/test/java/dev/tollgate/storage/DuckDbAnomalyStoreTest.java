package dev.tollgate.storage;

import dev.tollgate.analytics.AnomalyStore;
import dev.tollgate.analytics.AnomalyStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class DuckDbAnomalyStoreTest extends AnomalyStoreContract {
  @TempDir Path dir;
  private Database db;

  @BeforeEach
  void open() {
    db = Database.open("jdbc:duckdb:" + dir.resolve("anomalies.duckdb"));
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
