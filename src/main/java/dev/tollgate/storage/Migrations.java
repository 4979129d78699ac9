package dev.tollgate.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small versioned migration runner: {@code db/migration/<dialect>/index.txt} lists the scripts in
 * order; each unapplied one runs in its own transaction and is recorded in {@code schema_version} with
 * a checksum. An applied script whose checksum changed stops the start (edit by adding, never in place).
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** PostgreSQL advisory lock key held while migrating, so replicas starting together migrate one at a time. */
  static final long PG_LOCK_KEY = 0x746f6c6c67617465L; // "tollgate"

  private final String dialect;
  private final boolean advisoryLock;

  private Migrations(String dialect, boolean advisoryLock) {
    this.dialect = dialect;
    this.advisoryLock = advisoryLock;
  }

  static Migrations forDuckDb() {
    return new Migrations("duckdb", false);
  }

  /** Same runner and bookkeeping; scripts from {@code db/migration/postgres/}, under an advisory lock. */
  static Migrations forPostgres() {
    return new Migrations("postgres", true);
  }

  record Script(int version, String name, String sql, String checksum) {}

  void apply(Database db) {
    try (Connection c = db.connection()) {
      apply(c);
    } catch (SQLException e) {
      throw new StoreException("cannot apply migrations: " + e.getMessage(), e);
    }
  }

  /** Applies what is missing over {@code c} (left in auto-commit mode; the caller closes it). */
  void apply(Connection c) {
    try {
      if (advisoryLock) {
        try (Statement st = c.createStatement()) {
          st.execute("SELECT pg_advisory_lock(" + PG_LOCK_KEY + ")");
        }
      }
      try {
        applyLocked(c);
      } finally {
        if (advisoryLock) {
          try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_unlock(" + PG_LOCK_KEY + ")");
          }
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot apply migrations: " + e.getMessage(), e);
    }
  }

  private void applyLocked(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      // DuckDB's bookkeeping is unchanged; PostgreSQL records the time as timestamptz like every other column there
      st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
          + "checksum VARCHAR NOT NULL, applied_at " + (advisoryLock ? "TIMESTAMPTZ" : "TIMESTAMP")
          + " NOT NULL DEFAULT current_timestamp)");
    }
    Map<Integer, String> applied = new HashMap<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT version, checksum FROM schema_version")) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getString(2));
      }
    }
    for (Script s : scripts()) {
      String done = applied.get(s.version());
      if (done != null) {
        if (!done.equals(s.checksum())) {
          throw new IllegalStateException("migration " + s.name() + " was changed after it was applied (checksum "
              + done + " in the database, " + s.checksum() + " now); add a new migration instead");
        }
        continue;
      }
      try (Statement st = c.createStatement();
           PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version (version, name, checksum) VALUES (?, ?, ?)")) {
        Jdbc.inTransaction(c, () -> {
          for (String stmt : statements(s.sql())) {
            st.execute(stmt);
          }
          ps.setInt(1, s.version());
          ps.setString(2, s.name());
          ps.setString(3, s.checksum());
          return ps.executeUpdate();
        });
        log.info("applied migration {}", s.name());
      } catch (SQLException e) {
        throw new StoreException("migration " + s.name() + " failed: " + e.getMessage(), e);
      }
    }
  }

  List<Script> scripts() {
    String base = "db/migration/" + dialect + "/";
    List<Script> out = new ArrayList<>();
    for (String line : resource(base + "index.txt").split("\n")) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
      String sql = resource(base + name);
      out.add(new Script(version, name, sql, sha256(sql)));
    }
    return out;
  }

  /**
   * The statements of script {@code name} from the first line starting with {@code start} on: a migration's
   * backfill, which a rollup rebuild runs again over a ledger written around the store.
   */
  List<String> statementsFrom(String name, String start) {
    String sql = resource("db/migration/" + dialect + "/" + name);
    int at = sql.indexOf("\n" + start);
    if (at < 0) {
      throw new IllegalStateException(name + " has no statement starting with " + start);
    }
    return statements(sql.substring(at + 1));
  }

  /** Splits a script on semicolons at line ends; the scripts keep one statement per such block. */
  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        out.add(current.toString().strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  private static String resource(String path) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
