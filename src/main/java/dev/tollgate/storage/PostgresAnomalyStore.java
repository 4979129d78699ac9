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

/**
 * {@link AnomalyStore} on PostgreSQL ({@link DuckDbAnomalyStore} is the DuckDB twin). The primary key
 * (dimension, value, window) and {@code ON CONFLICT (dimension, value, window_start) DO NOTHING} keep one row per anomaly even when every
 * replica's detector finds it.
 */
public final class PostgresAnomalyStore implements AnomalyStore {
  private final PostgresDatabase db;

  public PostgresAnomalyStore(PostgresDatabase db) {
    this.db = db;
  }

  @Override
  public boolean addIfAbsent(SpendAnomaly a, Instant detectedAt) {
    String sql = "INSERT INTO spend_anomalies (dimension, value, window_start, window_seconds, org_id, project_id, observed_nanos,"
        + " baseline_nanos, score, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dimension, value, window_start) DO NOTHING";
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, a.dimension());
      ps.setString(2, a.value());
      PostgresDatabase.setInstant(ps, 3, a.windowStart());
      ps.setInt(4, (int) a.window().toSeconds());
      ps.setString(5, a.orgId().orElse(null));
      ps.setString(6, a.projectId().orElse(null));
      ps.setLong(7, a.observedNanos());
      ps.setLong(8, a.baselineNanos());
      ps.setString(9, a.score().toPlainString());
      PostgresDatabase.setInstant(ps, 10, detectedAt);
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
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      PostgresDatabase.setInstant(ps, i++, from);
      PostgresDatabase.setInstant(ps, i++, to);
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
              Optional.ofNullable(rs.getString(6)), PostgresDatabase.instant(rs, "window_start"), Duration.ofSeconds(rs.getInt(4)),
              rs.getLong(7), rs.getLong(8), new BigDecimal(rs.getString(9)));
          out.add(new Detected(a, PostgresDatabase.instant(rs, "detected_at")));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list spend anomalies: " + e.getMessage(), e);
    }
  }
}
