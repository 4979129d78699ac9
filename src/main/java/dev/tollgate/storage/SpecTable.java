package dev.tollgate.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A table of objects kept as JSON ({@code id, org_id, project_id, spec, created_at}): budgets, rules. The same
 * statements on DuckDB ({@code spec} is text) and PostgreSQL ({@code spec} is jsonb, {@code created_at} timestamptz).
 */
final class SpecTable<T> {
  private final Supplier<Connection> connections;
  private final boolean postgres;
  private final String table;
  private final String kind;
  private final Function<JsonNode, T> read;

  SpecTable(Database db, String table, String kind, Function<JsonNode, T> read) {
    this(db::connection, false, table, kind, read);
  }

  SpecTable(PostgresDatabase db, String table, String kind, Function<JsonNode, T> read) {
    this(db::connection, true, table, kind, read);
  }

  private SpecTable(Supplier<Connection> connections, boolean postgres, String table, String kind, Function<JsonNode, T> read) {
    this.connections = connections;
    this.postgres = postgres;
    this.table = table;
    this.kind = kind;
    this.read = read;
  }

  /** The placeholder of a JSON parameter: a cast on PostgreSQL, whose driver binds strings as varchar. */
  String json() {
    return postgres ? "CAST(? AS jsonb)" : "?";
  }

  Connection connection() {
    return connections.get();
  }

  void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (postgres) {
      PostgresDatabase.setInstant(ps, i, t);
    } else {
      Jdbc.setInstant(ps, i, t);
    }
  }

  void insert(String id, Optional<String> org, Optional<String> project, JsonNode spec, Instant createdAt) {
    try (Connection c = connection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, org_id, project_id, spec, created_at) VALUES (?, ?, ?, "
             + json() + ", ?)")) {
      ps.setString(1, id);
      ps.setString(2, org.orElse(null));
      ps.setString(3, project.orElse(null));
      ps.setString(4, spec.toString());
      setInstant(ps, 5, createdAt);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store " + kind + " " + id + ": " + e.getMessage(), e);
    }
  }

  boolean update(String id, JsonNode spec) {
    try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET spec = " + json() + " WHERE id = ?")) {
      ps.setString(1, spec.toString());
      ps.setString(2, id);
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException("cannot update " + kind + " " + id + ": " + e.getMessage(), e);
    }
  }

  boolean delete(String id) {
    try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
      ps.setString(1, id);
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException("cannot delete " + kind + " " + id + ": " + e.getMessage(), e);
    }
  }

  Optional<T> find(String id) {
    List<T> l = query("SELECT spec FROM " + table + " WHERE id = ?", id);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
  }

  List<T> all() {
    return query("SELECT spec FROM " + table + " ORDER BY created_at, id");
  }

  List<T> query(String sql, Object... args) {
    try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(read.apply(Json.parseObject(rs.getString(1).getBytes(StandardCharsets.UTF_8))));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read " + kind + "s: " + e.getMessage(), e);
    }
  }
}
