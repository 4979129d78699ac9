package dev.tollgate.storage;

import dev.tollgate.pricing.PriceOverrideStore;

/** {@link PriceOverrideStore} on DuckDB. */
public final class DuckDbPriceOverrideStore extends JdbcPriceOverrideStore {
  public DuckDbPriceOverrideStore(Database db) {
    super(db::connection, SqlTime.DUCKDB);
  }
}
