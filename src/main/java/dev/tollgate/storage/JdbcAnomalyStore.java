package dev.tollgate.storage;

import dev.tollgate.analytics.AnomalyStore;
import dev.tollgate.analytics.SpendAnomaly;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Spend anomalies in the {@code spend_anomalies} table (a small table: a primary key is fine here), the same
 * SQL on DuckDB ({@link DuckDbAnomalyStore}) and PostgreSQL ({@link PostgresAnomalyStore}).
 */
abstract class JdbcAnomalyStore implements AnomalyStore {
  private final Supplier<Connection> connections;
  private final SqlTime time;
  /** The clause that makes a repeated detection a no-op. */
  private final String onConflict;

  JdbcAnomalyStore(Supplier<Connection> connections, SqlTime time, String onConflict) {
    this.connections = connections;
    this.time = time;
    this.onConflict = onConflict;
  }

  @Override
  public boolean addIfAbsent(SpendAnomaly a, Instant detectedAt) {
    String sql = "INSERT INTO spend_anomalies (dimension, value, window_start, window_seconds, org_id, project_id, observed_nanos,"
        + " baseline_nanos, score, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " + onConflict;
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, a.dimension());
      ps.setString(2, a.value());
      time.set(ps, 3, a.windowStart());
      ps.setInt(4, (int) a.window().toSeconds());
      ps.setString(5, a.orgId().orElse(null));
      ps.setString(6, a.projectId().orElse(null));
      ps.setLong(7, a.observedNanos());
      ps.setLong(8, a.baselineNanos());
      ps.setString(9, a.score().toPlainString());
      time.set(ps, 10, detectedAt);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot store a spend anomaly: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Detected> list(Instant from, Instant to, Optional<String> orgId, Optional<String> projectId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT dimension, value, window_start, window_seconds, org_id, project_id,"
        + " observed_nanos, baseline_nanos, score, detected_at FROM spend_anomalies WHERE window_start >= ? AND window_start < ?");
    orgId.ifPresent(o -> sql.append(" AND org_id = ?"));
    projectId.ifPresent(p -> sql.append(" AND project_id = ?"));
    sql.append(" ORDER BY window_start DESC, detected_at DESC, dimension, value LIMIT ?");
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      time.set(ps, i++, from);
      time.set(ps, i++, to);
      if (orgId.isPresent()) {
        ps.setString(i++, orgId.get());
      }
      if (projectId.isPresent()) {
        ps.setString(i++, projectId.get());
      }
      ps.setInt(i, limit);
      List<Detected> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          SpendAnomaly a = new SpendAnomaly(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(5)),
              Optional.ofNullable(rs.getString(6)), time.get(rs, "window_start"), Duration.ofSeconds(rs.getInt(4)),
              rs.getLong(7), rs.getLong(8), new BigDecimal(rs.getString(9)));
          out.add(new Detected(a, time.get(rs, "detected_at")));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list spend anomalies: " + e.getMessage(), e);
    }
  }
}
