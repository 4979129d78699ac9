package dev.tollgate.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.audit.AuditEntry;
import dev.tollgate.audit.AuditStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@link AuditStore} on PostgreSQL ({@link DuckDbAuditStore} is the DuckDB twin). Only INSERT and SELECT: no
 * statement here changes or removes a row. {@code seq} comes from the column's sequence ({@code RETURNING});
 * before/after are {@code json}, kept verbatim.
 */
public final class PostgresAuditStore extends JdbcAuditStore {
  private final PostgresDatabase db;

  public PostgresAuditStore(PostgresDatabase db) {
    super(db::connection, SqlTime.POSTGRES, "CAST(? AS text)");
    this.db = db;
  }

  @Override
  public AuditEntry append(AuditEntry e) {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (" + COLUMNS.substring("seq, ".length())
             + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS json), CAST(? AS json), ?, ?) RETURNING seq")) {
      PostgresDatabase.setInstant(ps, 1, e.at());
      ps.setString(2, e.actor());
      ps.setString(3, e.actorEmail().orElse(null));
      ps.setString(4, e.orgId().orElse(null));
      ps.setString(5, e.projectId().orElse(null));
      ps.setString(6, e.action());
      ps.setString(7, e.targetType());
      ps.setString(8, e.targetId());
      ps.setString(9, e.before().map(JsonNode::toString).orElse(null));
      ps.setString(10, e.after().map(JsonNode::toString).orElse(null));
      ps.setString(11, e.sourceIp().orElse(null));
      ps.setString(12, e.requestId().orElse(null));
      long seq;
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        seq = rs.getLong(1);
      }
      return new AuditEntry(seq, e.at(), e.actor(), e.actorEmail(), e.orgId(), e.projectId(), e.action(), e.targetType(),
          e.targetId(), e.before(), e.after(), e.sourceIp(), e.requestId());
    } catch (SQLException ex) {
      throw new StoreException("cannot append to the audit log (" + e.action() + " " + e.targetId() + "): " + ex.getMessage(), ex);
    }
  }
}
