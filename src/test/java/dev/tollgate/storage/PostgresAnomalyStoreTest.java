package dev.tollgate.storage;

import dev.tollgate.analytics.AnomalyStore;
import dev.tollgate.analytics.AnomalyStoreContract;
import dev.tollgate.testing.RequiresPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The anomaly-store contract on a real PostgreSQL (a fresh schema for this class). */
@RequiresPostgres
class PostgresAnomalyStoreTest extends AnomalyStoreContract {
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
  protected AnomalyStore store() {
    return new PostgresAnomalyStore(pg.db);
  }
}
