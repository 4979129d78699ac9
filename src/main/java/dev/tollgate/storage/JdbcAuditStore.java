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
import java.util.function.Supplier;

/**
 * {@link AuditStore} reads, the same SQL on DuckDB ({@link DuckDbAuditStore}) and PostgreSQL
 * ({@link PostgresAuditStore}); each appends its own way (the sequence differs). Only INSERT and SELECT: no
 * statement changes or removes a row.
 */
abstract class JdbcAuditStore implements AuditStore {
  static final String COLUMNS = "seq, occurred_at, actor, actor_email, org_id, project_id, action, target_type, target_id, "
      + "before_json, after_json, source_ip, request_id";

  private final Supplier<Connection> connections;
  private final SqlTime time;
  /** A text parameter as the backend's {@code starts_with} accepts it. */
  private final String textParameter;

  JdbcAuditStore(Supplier<Connection> connections, SqlTime time, String textParameter) {
    this.connections = connections;
    this.time = time;
    this.textParameter = textParameter;
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
        sql.append(" AND starts_with(action, " + textParameter + ")");
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
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i) instanceof Instant t) {
          time.set(ps, i + 1, t);
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

  private AuditEntry read(ResultSet rs) throws SQLException {
    return new AuditEntry(rs.getLong("seq"), time.get(rs, "occurred_at"), rs.getString("actor"),
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
