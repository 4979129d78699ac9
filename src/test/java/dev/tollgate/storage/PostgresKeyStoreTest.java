package dev.tollgate.storage;

import dev.tollgate.auth.KeyStore;
import dev.tollgate.auth.KeyStoreContract;
import dev.tollgate.testing.RequiresPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The key-store contract on a real PostgreSQL (a fresh schema for this class). */
@RequiresPostgres
class PostgresKeyStoreTest extends KeyStoreContract {
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
  protected KeyStore store() {
    return new PostgresKeyStore(pg.db);
  }
}
