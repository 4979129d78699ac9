package dev.tollgate.storage;

import dev.tollgate.pricing.PriceOverrideStore;

/** {@link PriceOverrideStore} on PostgreSQL. */
public final class PostgresPriceOverrideStore extends JdbcPriceOverrideStore {
  public PostgresPriceOverrideStore(PostgresDatabase db) {
    super(db::connection, SqlTime.POSTGRES);
  }
}
