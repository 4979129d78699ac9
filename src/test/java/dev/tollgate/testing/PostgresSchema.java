package dev.tollgate.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh schema in the test PostgreSQL ({@code tg_test_<random>}), so tests running at the same time never
 * see each other's tables; {@link #url()} points {@code currentSchema} at it; {@link #close()} drops it.
 */
public final class PostgresSchema implements AutoCloseable {
  private final String name;

  private PostgresSchema(String name) {
    this.name = name;
  }

  public static PostgresSchema create() {
    String name = "tg_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    execute("CREATE SCHEMA " + name);
    return new PostgresSchema(name);
  }

  public String name() {
    return name;
  }

  /** The test server's URL with {@code currentSchema} set to this schema. */
  public String url() {
    return withSchema(ExternalServices.POSTGRES_URL);
  }

  /** {@code base} (any URL to the test server, e.g. through a proxy) with {@code currentSchema} set to this schema. */
  public String withSchema(String base) {
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name;
  }

  /** A direct connection (not pooled) in this schema; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url());
  }

  @Override
  public void close() {
    execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
  }

  private static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(ExternalServices.POSTGRES_URL); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
