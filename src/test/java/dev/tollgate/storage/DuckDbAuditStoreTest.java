package dev.tollgate.storage;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditStoreContract;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The audit-store contract on a real DuckDB file. */
class DuckDbAuditStoreTest extends AuditStoreContract {
  @TempDir Path dir;
  Database db;

  @BeforeEach
  void open() {
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("audit.duckdb")).url());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  protected AuditStore store() {
    return new DuckDbAuditStore(db);
  }
}
