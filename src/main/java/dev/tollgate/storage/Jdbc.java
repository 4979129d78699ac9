package dev.tollgate.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tollgate.common.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Conversions shared by the JDBC stores. Timestamps are stored as UTC {@code TIMESTAMP}s, in microseconds. */
final class Jdbc {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private Jdbc() {}

  /** Work inside {@link #inTransaction}. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work} on {@code c} as one transaction: commits, or rolls back and rethrows what failed. {@code c}
   * is left in auto-commit, as a pooled connection has to go back. On DuckDB the transaction begins at the first
   * statement: work that starts with an Appender begins it with a statement itself (see DuckDbUsageStore).
   */
  static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      T out = work.run();
      c.commit();
      return out;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  static long micros(Instant t) {
    // floors to the microsecond: the same as ChronoUnit.MICROS.between(EPOCH, t), which truncates, from 1970 on
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static Instant fromMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    ps.setObject(i, LocalDateTime.ofInstant(t, ZoneOffset.UTC));
  }

  static void setOptionalInstant(PreparedStatement ps, int i, Optional<Instant> t) throws SQLException {
    if (t.isPresent()) {
      setInstant(ps, i, t.get());
    } else {
      ps.setNull(i, java.sql.Types.TIMESTAMP);
    }
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    return optionalInstant(rs, column).orElseThrow(() -> new SQLException(column + " is null"));
  }

  static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    Object v = rs.getObject(column);
    return switch (v) {
      case null -> Optional.empty();
      case LocalDateTime ldt -> Optional.of(ldt.toInstant(ZoneOffset.UTC));
      case Timestamp ts -> Optional.of(ts.toLocalDateTime().toInstant(ZoneOffset.UTC));
      default -> throw new SQLException(column + ": unexpected type " + v.getClass().getName());
    };
  }

  static String jsonList(Collection<String> values) {
    return Json.string(values);
  }

  static List<String> parseJsonList(String json) {
    try {
      return Json.MAPPER.readValue(json, STRINGS);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt JSON list in the store: " + json, e);
    }
  }
}
