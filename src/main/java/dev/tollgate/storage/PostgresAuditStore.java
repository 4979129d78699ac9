package dev.tollgate.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.audit.AuditEntry;
import dev.tollgate.audit.AuditQuery;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link AuditStore} on PostgreSQL ({@link DuckDbAuditStore} is the DuckDB twin). Only INSERT and SELECT: no
 * statement here changes or removes a row. {@code seq} comes from the column's sequence ({@code RETURNING});
 * before/after are {@code json}, kept verbatim.
 */
public final class PostgresAuditStore implements AuditStore {
  private static final String COLUMNS = "seq, occurred_at, actor, actor_email, org_id, project_id, action, target_type, target_id, "
      + "before_json, after_json, source_ip, request_id";

  private final PostgresDatabase db;

  public PostgresAuditStore(PostgresDatabase db) {
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

  @Override
  public Page query(AuditQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    q.from().ifPresent(v -> { sql.append(" AND occurred_at >= ?"); args.add(v); });
    q.to().ifPresent(v -> { sql.append(" AND occurred_at < ?"); args.add(v); });
    q.actor().ifPresent(v -> { sql.append(" AND (actor = ? OR actor_email = ?)"); args.add(v); args.add(v); });
    q.action().ifPresent(v -> {
      if (v.endsWith(".")) {
        sql.append(" AND starts_with(action, CAST(? AS text))");
      } else {
        sql.append(" AND action = ?");
      }
      args.add(v);
    });
    q.targetType().ifPresent(v -> { sql.append(" AND target_type = ?"); args.add(v); });
    q.targetId().ifPresent(v -> { sql.append(" AND target_id = ?"); args.add(v); });
    q.orgId().ifPresent(v -> { sql.append(" AND org_id = ?"); args.add(v); });
    q.projectId().ifPresent(v -> { sql.append(" AND project_id = ?"); args.add(v); });
    q.cursor().ifPresent(v -> { sql.append(" AND seq < ?"); args.add(decode(v)); });
    sql.append(" ORDER BY seq DESC LIMIT ").append(q.limit() + 1);
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i) instanceof Instant t) {
          PostgresDatabase.setInstant(ps, i + 1, t);
        } else {
          ps.setObject(i + 1, args.get(i));
        }
      }
      List<AuditEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      Optional<String> next = Optional.empty();
      if (out.size() > q.limit()) {
        out = out.subList(0, q.limit());
        next = Optional.of(Long.toString(out.getLast().seq()));
      }
      return new Page(out, next);
    } catch (SQLException e) {
      throw new StoreException("cannot read the audit log: " + e.getMessage(), e);
    }
  }

  private static long decode(String cursor) {
    try {
      long v = Long.parseLong(cursor);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidRequestException("cursor", "cursor: '" + cursor + "' (expected: a next_cursor value from a previous page)");
  }

  private static AuditEntry read(ResultSet rs) throws SQLException {
    return new AuditEntry(rs.getLong("seq"), PostgresDatabase.instant(rs, "occurred_at"), rs.getString("actor"),
        Optional.ofNullable(rs.getString("actor_email")), Optional.ofNullable(rs.getString("org_id")),
        Optional.ofNullable(rs.getString("project_id")), rs.getString("action"), rs.getString("target_type"),
        rs.getString("target_id"), json(rs.getString("before_json")), json(rs.getString("after_json")),
        Optional.ofNullable(rs.getString("source_ip")), Optional.ofNullable(rs.getString("request_id")));
  }

  private static Optional<JsonNode> json(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readTree(text));
    } catch (IOException e) {
      throw new IllegalStateException("corrupt JSON in the audit log: " + text, e);
    }
  }
}
