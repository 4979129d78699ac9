package dev.tollgate.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL, the cluster mode's system of record: a HikariCP pool over pgjdbc. Every replica opens one;
 * migrations run at start under an advisory lock, so replicas starting together do not race. Timestamps
 * are {@code TIMESTAMPTZ}, bound as UTC {@link OffsetDateTime}s (never through the JVM's time zone).
 */
public final class PostgresDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
  private static final Pattern SECRET_PARAM = Pattern.compile("(?i)(password|sslpassword|sslkey)=[^&]*");
  private static final Pattern USER_INFO = Pattern.compile("//([^/@]*)@");

  /** Pool settings; {@link #ofDefaults()} suits a replica (the ledger writer holds one connection, admin calls the rest). */
  public record Pool(int maxSize, Duration connectTimeout) {
    public Pool {
      if (maxSize < 2) {
        throw new IllegalArgumentException("pool max size: " + maxSize + " (expected: >= 2)");
      }
      if (connectTimeout.toMillis() < 250) {
        throw new IllegalArgumentException("pool connect timeout: " + connectTimeout + " (expected: >= 250ms)");
      }
    }

    public static Pool ofDefaults() {
      return new Pool(10, Duration.ofSeconds(3));
    }
  }

  private final HikariDataSource pool;
  private final String displayUrl;

  private PostgresDatabase(HikariDataSource pool, String displayUrl) {
    this.pool = pool;
    this.displayUrl = displayUrl;
  }

  public static PostgresDatabase open(String url) {
    return open(url, Pool.ofDefaults());
  }

  /** Connects, migrates and returns; fails when the server cannot be reached or a migration fails. */
  public static PostgresDatabase open(String url, Pool settings) {
    String shown = redact(url);
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("tollgate-pg");
    hc.setDriverClassName("org.postgresql.Driver");
    hc.setJdbcUrl(url);
    hc.setMaximumPoolSize(settings.maxSize());
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(settings.connectTimeout().toMillis());
    hc.setValidationTimeout(Math.min(settings.connectTimeout().toMillis(), 1_000));
    // A dead server must not hang a writer: TCP keepalive plus a socket timeout far above any real statement.
    hc.addDataSourceProperty("tcpKeepAlive", "true");
    hc.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, settings.connectTimeout().toSeconds())));
    hc.addDataSourceProperty("socketTimeout", "300");
    hc.addDataSourceProperty("ApplicationName", "tollgate");
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException("cannot connect to " + shown + ": " + rootMessage(e), e);
    }
    PostgresDatabase db = new PostgresDatabase(ds, shown);
    try (Connection c = db.connection()) {
      Migrations.forPostgres().apply(c);
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw e instanceof StoreException se ? se : new StoreException("cannot migrate " + shown + ": " + rootMessage(e), e);
    }
    log.info("store ready: {}", shown);
    return db;
  }

  /** A pooled connection; the caller closes it (returning it to the pool). */
  public Connection connection() {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw new StoreException("cannot get a connection to " + displayUrl + ": " + e.getMessage(), e);
    }
  }

  /** The URL with any password removed: what logs and errors show. */
  public String url() {
    return displayUrl;
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
    pool.close();
  }

  /** {@code jdbc:postgresql://u:secret@h/db?password=secret} → {@code jdbc:postgresql://u:***@h/db?password=***}. */
  public static String redact(String url) {
    String out = SECRET_PARAM.matcher(url).replaceAll("$1=***");
    var m = USER_INFO.matcher(out);
    if (m.find() && m.group(1).contains(":")) {
      out = out.substring(0, m.start(1)) + m.group(1).substring(0, m.group(1).indexOf(':')) + ":***" + out.substring(m.end(1));
    }
    return out;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  // ---- conversions for TIMESTAMPTZ columns, shared by the PostgreSQL stores ----

  static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
  }

  static void setOptionalInstant(PreparedStatement ps, int i, Optional<Instant> t) throws SQLException {
    if (t.isPresent()) {
      setInstant(ps, i, t.get());
    } else {
      ps.setNull(i, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
    }
  }

  static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime v = rs.getObject(column, OffsetDateTime.class);
    return v == null ? Optional.empty() : Optional.of(v.toInstant());
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    return optionalInstant(rs, column).orElseThrow(() -> new SQLException(column + " is null"));
  }
}
