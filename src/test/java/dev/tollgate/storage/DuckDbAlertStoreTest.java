package dev.tollgate.storage;

import dev.tollgate.alerts.AlertStore;
import dev.tollgate.alerts.AlertStoreContract;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The alert-store contract on a real DuckDB file. */
class DuckDbAlertStoreTest extends AlertStoreContract {
  @TempDir Path dir;
  Database db;
  AlertStore store;

  @BeforeEach
  void open() {
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("alerts.duckdb")).url());
    store = new DuckDbAlertStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  protected AlertStore store() {
    return store;
  }
}
