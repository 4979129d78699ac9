package dev.tollgate.storage;

import dev.tollgate.auth.KeyStore;
import dev.tollgate.auth.KeyStoreContract;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The key-store contract on a real DuckDB file. */
class DuckDbKeyStoreTest extends KeyStoreContract {
  @TempDir
  Path dir;
  Database db;
  KeyStore store;

  @BeforeEach
  void open() {
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("keys.duckdb")).url());
    store = new DuckDbKeyStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  protected KeyStore store() {
    return store;
  }
}
