package dev.tollgate.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyStore;
import dev.tollgate.common.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@link KeyStore} written once for DuckDB and PostgreSQL: the backends differ in timestamp binding
 * ({@link SqlTime}), how a JSON parameter is written (jsonb needs a cast), and the two writes each does its
 * own way: storing the master key and recording last-used times.
 */
abstract class JdbcKeyStore implements KeyStore {
  static final String COLUMNS = "id, name, key_hash, display_hint, role, allowed_models, created_at, expires_at, "
      + "revoked_at, org_id, project_id, rpm_limit, tpm_limit, metadata, tags, last_used_at, created_by, replaced_by";
  private static final TypeReference<TreeMap<String, String>> STRING_MAP = new TypeReference<>() {};

  private final Supplier<Connection> connections;
  final SqlTime time;
  /** The INSERT of every column. */
  final String insert;
  private final String update;

  /** @param jsonParameter how a JSON text parameter is written: {@code ?}, or {@code CAST(? AS jsonb)} */
  JdbcKeyStore(Supplier<Connection> connections, SqlTime time, String jsonParameter) {
    this.connections = connections;
    this.time = time;
    this.insert = "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + jsonParameter + ", "
        + jsonParameter + ", ?, ?, ?)";
    this.update = "UPDATE api_keys SET name = ?, allowed_models = ?, expires_at = ?, rpm_limit = ?, tpm_limit = ?, metadata = "
        + jsonParameter + ", tags = " + jsonParameter + ", replaced_by = ? WHERE id = ?";
  }

  final Connection connection() {
    return connections.get();
  }

  @Override
  public final void insert(ApiKey key) {
    try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(insert)) {
      bind(ps, key);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot insert key " + key.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public final boolean revoke(String id, Instant at) {
    try (Connection c = connection();
         PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      time.set(ps, 1, at);
      ps.setString(2, id);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot revoke key " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public final void update(ApiKey key) {
    try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(update)) {
      bindUpdate(ps, key);
      if (ps.executeUpdate() != 1) {
        throw new StoreException("cannot update key " + key.id() + ": no such row", null);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot update key " + key.id() + ": " + e.getMessage(), e);
    }
  }

  /** One transaction: the old key's new state and its successor, both or neither. */
  @Override
  public final void rotate(ApiKey replaced, ApiKey successor) {
    try (Connection c = connection(); PreparedStatement up = c.prepareStatement(update);
         PreparedStatement ins = c.prepareStatement(insert)) {
      Jdbc.inTransaction(c, () -> {
        bindUpdate(up, replaced);
        if (up.executeUpdate() != 1) {
          throw new SQLException("no key " + replaced.id());
        }
        bind(ins, successor);
        return ins.executeUpdate();
      });
    } catch (SQLException e) {
      throw new StoreException("cannot rotate key " + replaced.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public final Optional<ApiKey> findById(String id) {
    try (Connection c = connection();
         PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read key " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public final List<ApiKey> findAll() {
    try (Connection c = connection();
         PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id");
         ResultSet rs = ps.executeQuery()) {
      List<ApiKey> out = new ArrayList<>();
      while (rs.next()) {
        out.add(read(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list keys: " + e.getMessage(), e);
    }
  }

  /** Binds every column of {@link #insert}. */
  final void bind(PreparedStatement ps, ApiKey key) throws SQLException {
    ps.setString(1, key.id());
    ps.setString(2, key.name());
    ps.setString(3, key.hash());
    ps.setString(4, key.displayHint());
    ps.setString(5, key.role().name());
    ps.setString(6, Jdbc.jsonList(key.allowedModels().stream().sorted().toList()));
    time.set(ps, 7, key.createdAt());
    time.setOptional(ps, 8, key.expiresAt());
    time.setOptional(ps, 9, key.revokedAt());
    ps.setString(10, key.orgId().orElse(null));
    ps.setString(11, key.projectId().orElse(null));
    setOptionalLong(ps, 12, key.rpmLimit());
    setOptionalLong(ps, 13, key.tpmLimit());
    ps.setString(14, Json.string(key.metadata()));
    ps.setString(15, Jdbc.jsonList(key.tags()));
    time.setOptional(ps, 16, key.lastUsedAt());
    ps.setString(17, key.createdBy().orElse(null));
    ps.setString(18, key.replacedBy().orElse(null));
  }

  private void bindUpdate(PreparedStatement ps, ApiKey key) throws SQLException {
    ps.setString(1, key.name());
    ps.setString(2, Jdbc.jsonList(key.allowedModels().stream().sorted().toList()));
    time.setOptional(ps, 3, key.expiresAt());
    setOptionalLong(ps, 4, key.rpmLimit());
    setOptionalLong(ps, 5, key.tpmLimit());
    ps.setString(6, Json.string(key.metadata()));
    ps.setString(7, Jdbc.jsonList(key.tags()));
    ps.setString(8, key.replacedBy().orElse(null));
    ps.setString(9, key.id());
  }

  private static void setOptionalLong(PreparedStatement ps, int i, OptionalLong v) throws SQLException {
    if (v.isPresent()) {
      ps.setLong(i, v.getAsLong());
    } else {
      ps.setNull(i, Types.BIGINT);
    }
  }

  private static OptionalLong optionalLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
  }

  private ApiKey read(ResultSet rs) throws SQLException {
    String metadata = rs.getString("metadata");
    String tags = rs.getString("tags");
    return new ApiKey(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("key_hash"),
        rs.getString("display_hint"),
        ApiKey.Role.valueOf(rs.getString("role")),
        new LinkedHashSet<>(Jdbc.parseJsonList(rs.getString("allowed_models"))),
        time.get(rs, "created_at"),
        time.getOptional(rs, "expires_at"),
        time.getOptional(rs, "revoked_at"),
        Optional.ofNullable(rs.getString("org_id")),
        Optional.ofNullable(rs.getString("project_id")),
        optionalLong(rs, "rpm_limit"),
        optionalLong(rs, "tpm_limit"),
        metadata == null ? Map.of() : parseMap(metadata),
        tags == null ? List.of() : Jdbc.parseJsonList(tags),
        time.getOptional(rs, "last_used_at"),
        Optional.ofNullable(rs.getString("created_by")),
        Optional.ofNullable(rs.getString("replaced_by")));
  }

  private static Map<String, String> parseMap(String json) {
    try {
      return Json.MAPPER.readValue(json, STRING_MAP);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt key metadata in the store: " + json, e);
    }
  }
}
