package dev.tollgate.storage;

import dev.tollgate.testing.PostgresSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** One migrated PostgreSQL schema per test class, emptied before each test. */
final class PostgresStores implements AutoCloseable {
  final PostgresSchema schema;
  final PostgresDatabase db;

  PostgresStores() {
    schema = PostgresSchema.create();
    try {
      db = PostgresDatabase.open(schema.url());
    } catch (RuntimeException e) {
      schema.close();
      throw e;
    }
  }

  /** Empties every table the migrations created (not schema_version). */
  void truncateAll() {
    try (Connection c = db.connection(); Statement st = c.createStatement()) {
      st.execute("TRUNCATE api_keys, usage, usage_hourly, usage_latency_hourly, usage_latency_daily, usage_user_daily, price_overrides, orgs, projects, users, memberships, "
          + "signing_keys, revoked_tokens, audit_log, budgets, rate_limit_rules, alert_rules, alert_events, alert_deliveries, spend_anomalies");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    db.close();
    schema.close();
  }
}
