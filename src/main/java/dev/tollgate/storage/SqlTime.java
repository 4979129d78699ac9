package dev.tollgate.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * How a backend binds and reads timestamps: DuckDB's {@code TIMESTAMP} columns hold UTC as a local date-time,
 * PostgreSQL's {@code TIMESTAMPTZ} an offset date-time. A store written once for both takes one of these.
 */
interface SqlTime {
  void set(PreparedStatement ps, int index, Instant t) throws SQLException;

  Instant get(ResultSet rs, String column) throws SQLException;

  void setOptional(PreparedStatement ps, int index, Optional<Instant> t) throws SQLException;

  Optional<Instant> getOptional(ResultSet rs, String column) throws SQLException;

  SqlTime DUCKDB = new SqlTime() {
    @Override
    public void set(PreparedStatement ps, int index, Instant t) throws SQLException {
      Jdbc.setInstant(ps, index, t);
    }

    @Override
    public Instant get(ResultSet rs, String column) throws SQLException {
      return Jdbc.instant(rs, column);
    }

    @Override
    public void setOptional(PreparedStatement ps, int index, Optional<Instant> t) throws SQLException {
      Jdbc.setOptionalInstant(ps, index, t);
    }

    @Override
    public Optional<Instant> getOptional(ResultSet rs, String column) throws SQLException {
      return Jdbc.optionalInstant(rs, column);
    }
  };

  SqlTime POSTGRES = new SqlTime() {
    @Override
    public void set(PreparedStatement ps, int index, Instant t) throws SQLException {
      PostgresDatabase.setInstant(ps, index, t);
    }

    @Override
    public Instant get(ResultSet rs, String column) throws SQLException {
      return PostgresDatabase.instant(rs, column);
    }

    @Override
    public void setOptional(PreparedStatement ps, int index, Optional<Instant> t) throws SQLException {
      PostgresDatabase.setOptionalInstant(ps, index, t);
    }

    @Override
    public Optional<Instant> getOptional(ResultSet rs, String column) throws SQLException {
      return PostgresDatabase.optionalInstant(rs, column);
    }
  };
}
