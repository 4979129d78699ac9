package dev.tollgate.storage;

import dev.tollgate.config.TollgateConfig.StoreConfig;
import dev.tollgate.pricing.PriceOverrideStore;
import dev.tollgate.pricing.PriceOverrideStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The price-override-store contract on a real DuckDB file. */
class DuckDbPriceOverrideStoreTest extends PriceOverrideStoreContract {
  @TempDir
  Path dir;
  Database db;

  @BeforeEach
  void open() {
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("prices.duckdb")).url());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  protected PriceOverrideStore store() {
    return new DuckDbPriceOverrideStore(db);
  }
}
