package dev.tollgate.storage;

/** Spend anomalies on PostgreSQL. */
public final class PostgresAnomalyStore extends JdbcAnomalyStore {
  public PostgresAnomalyStore(PostgresDatabase db) {
    super(db::connection, SqlTime.POSTGRES, "ON CONFLICT (dimension, value, window_start) DO NOTHING");
  }
}
