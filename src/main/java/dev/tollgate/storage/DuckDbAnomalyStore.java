package dev.tollgate.storage;

/** Spend anomalies on DuckDB. */
public final class DuckDbAnomalyStore extends JdbcAnomalyStore {
  public DuckDbAnomalyStore(Database db) {
    super(db::connection, SqlTime.DUCKDB, "ON CONFLICT DO NOTHING");
  }
}
