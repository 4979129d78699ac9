package dev.tollgate.storage;

import dev.tollgate.auth.KeyStore;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import dev.tollgate.tenancy.TenancyStore;
import dev.tollgate.tenancy.TenancyStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The tenancy-store contract on a real DuckDB file. */
class DuckDbTenancyStoreTest extends TenancyStoreContract {
  @TempDir Path dir;
  Database db;

  @BeforeEach
  void open() {
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("tenancy.duckdb")).url());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  protected TenancyStore store() {
    return new DuckDbTenancyStore(db);
  }

  @Override
  protected KeyStore keys() {
    return new DuckDbKeyStore(db);
  }
}
