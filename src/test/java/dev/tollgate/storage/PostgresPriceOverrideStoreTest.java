package dev.tollgate.storage;

import dev.tollgate.pricing.PriceOverrideStore;
import dev.tollgate.pricing.PriceOverrideStoreContract;
import dev.tollgate.testing.RequiresPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The price-override-store contract on a real PostgreSQL (a fresh schema for this class). */
@RequiresPostgres
class PostgresPriceOverrideStoreTest extends PriceOverrideStoreContract {
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
  protected PriceOverrideStore store() {
    return new PostgresPriceOverrideStore(pg.db);
  }
}
