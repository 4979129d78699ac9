package dev.tollgate.storage;

import dev.tollgate.common.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded DuckDB database. One root connection holds the file for the life of the process (DuckDB
 * allows one writing process per file); every unit of work takes a cheap {@link DuckDBConnection#duplicate()}.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  /**
   * How much write-ahead log makes DuckDB checkpoint (its default is 16 MB). Every checkpoint recompresses the
   * usage table's last, partly filled row group (up to 122,880 rows) together with what is new, and 16 MB of WAL
   * is only about 30,000 ledger rows, so each row was compressed about three times over: measured with
   * LedgerIngestBench, 27 µs of CPU per ledger row at 16 MB, 18 µs at 64 MB, no better at 128 MB or 1 GB. The
   * price is a WAL of up to 64 MiB to replay after a crash (59.5 MB replayed in 1.5 s, measured).
   */
  static final String CHECKPOINT_THRESHOLD = "64MiB";

  private final DuckDBConnection root;
  private final String url;

  private Database(DuckDBConnection root, String url) {
    this.root = root;
    this.url = url;
  }

  public static Database open(String url) {
    String path = url.substring("jdbc:duckdb:".length());
    if (!path.isEmpty() && !path.startsWith(":memory:")) {
      Path parent = Path.of(path).toAbsolutePath().getParent();
      try {
        Files.createDirectories(parent);
      } catch (java.io.IOException e) {
        throw new ConfigException("store.url", url, "a path whose directory can be created (" + e.getMessage() + ")");
      }
    }
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      DuckDBConnection conn = (DuckDBConnection) DriverManager.getConnection(url);
      Database db = new Database(conn, url);
      try (var st = conn.createStatement()) {
        st.execute("SET checkpoint_threshold = '" + CHECKPOINT_THRESHOLD + "'");
      }
      Migrations.forDuckDb().apply(db);
      log.info("store ready: {}", url);
      return db;
    } catch (SQLException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage();
      if (msg.contains("lock")) {
        throw new ConfigException("store.url", url, "a database file no other process has open (is another 'tollgate serve' running?): " + msg);
      }
      throw new StoreException("cannot open " + url + ": " + msg, e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("DuckDB JDBC driver missing from the class path", e);
    }
  }

  /** A new connection to the same database; the caller closes it. */
  public DuckDBConnection connection() {
    try {
      return root.duplicate();
    } catch (SQLException e) {
      throw new StoreException("cannot open a connection to " + url, e);
    }
  }

  public String url() {
    return url;
  }

  /** A cheap round trip, for readiness. */
  public boolean ping() {
    try (Connection c = connection(); var st = c.createStatement(); var rs = st.executeQuery("SELECT 1")) {
      return rs.next();
    } catch (SQLException | StoreException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      root.close();
    } catch (SQLException e) {
      log.warn("closing {}: {}", url, e.toString());
    }
  }
}
