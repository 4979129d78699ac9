package dev.tollgate.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.audit.AuditEntry;
import dev.tollgate.audit.AuditStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** {@link AuditStore} on DuckDB. Only INSERT and SELECT: no statement here changes or removes a row. */
public final class DuckDbAuditStore extends JdbcAuditStore {
  private final Database db;

  public DuckDbAuditStore(Database db) {
    super(db::connection, SqlTime.DUCKDB, "?");
    this.db = db;
  }

  @Override
  public AuditEntry append(AuditEntry e) {
    try (Connection c = db.connection()) {
      long seq;
      try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT nextval('audit_seq')")) {
        rs.next();
        seq = rs.getLong(1);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, seq);
        Jdbc.setInstant(ps, 2, e.at());
        ps.setString(3, e.actor());
        ps.setString(4, e.actorEmail().orElse(null));
        ps.setString(5, e.orgId().orElse(null));
        ps.setString(6, e.projectId().orElse(null));
        ps.setString(7, e.action());
        ps.setString(8, e.targetType());
        ps.setString(9, e.targetId());
        ps.setString(10, e.before().map(JsonNode::toString).orElse(null));
        ps.setString(11, e.after().map(JsonNode::toString).orElse(null));
        ps.setString(12, e.sourceIp().orElse(null));
        ps.setString(13, e.requestId().orElse(null));
        ps.executeUpdate();
      }
      return new AuditEntry(seq, e.at(), e.actor(), e.actorEmail(), e.orgId(), e.projectId(), e.action(), e.targetType(),
          e.targetId(), e.before(), e.after(), e.sourceIp(), e.requestId());
    } catch (SQLException ex) {
      throw new StoreException("cannot append to the audit log (" + e.action() + " " + e.targetId() + "): " + ex.getMessage(), ex);
    }
  }
}
