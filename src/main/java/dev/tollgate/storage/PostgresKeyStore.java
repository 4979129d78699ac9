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

/**
 * {@link KeyStore} on PostgreSQL ({@link DuckDbKeyStore} is the DuckDB twin): the same columns, metadata and
 * tags as jsonb. The master key is one upsert, so replicas starting together agree on it; a rotation is one
 * transaction; last-used times are one batched statement.
 */
public final class PostgresKeyStore implements KeyStore {
  private static final String COLUMNS = "id, name, key_hash, display_hint, role, allowed_models, created_at, expires_at, "
      + "revoked_at, org_id, project_id, rpm_limit, tpm_limit, metadata, tags, last_used_at, created_by, replaced_by";
  private static final String INSERT = "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      + "CAST(? AS jsonb), CAST(? AS jsonb), ?, ?, ?)";
  private static final String UPDATE = "UPDATE api_keys SET name = ?, allowed_models = ?, expires_at = ?, rpm_limit = ?, "
      + "tpm_limit = ?, metadata = CAST(? AS jsonb), tags = CAST(? AS jsonb), replaced_by = ? WHERE id = ?";
  private static final TypeReference<TreeMap<String, String>> STRING_MAP = new TypeReference<>() {};

  private final PostgresDatabase db;

  public PostgresKeyStore(PostgresDatabase db) {
    this.db = db;
  }

  @Override
  public void insert(ApiKey key) {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
      bind(ps, key);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot insert key " + key.id() + ": " + e.getMessage(), e);
    }
  }

  /** Every column is replaced, as DuckDB's delete-then-insert does. */
  @Override
  public void upsertMaster(ApiKey master) {
    StringBuilder set = new StringBuilder();
    for (String column : COLUMNS.split(", ")) {
      if (!column.equals("id")) {
        set.append(set.isEmpty() ? "" : ", ").append(column).append(" = excluded.").append(column);
      }
    }
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement(INSERT + " ON CONFLICT (id) DO UPDATE SET " + set)) {
      bind(ps, master);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store the master key: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean revoke(String id, Instant at) {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      PostgresDatabase.setInstant(ps, 1, at);
      ps.setString(2, id);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot revoke key " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void update(ApiKey key) {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(UPDATE)) {
      bindUpdate(ps, key);
      if (ps.executeUpdate() != 1) {
        throw new StoreException("cannot update key " + key.id() + ": no such row", null);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot update key " + key.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void rotate(ApiKey replaced, ApiKey successor) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement up = c.prepareStatement(UPDATE); PreparedStatement ins = c.prepareStatement(INSERT)) {
        bindUpdate(up, replaced);
        if (up.executeUpdate() != 1) {
          throw new SQLException("no key " + replaced.id());
        }
        bind(ins, successor);
        ins.executeUpdate();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot rotate key " + replaced.id() + ": " + e.getMessage(), e);
    }
  }

  /** One statement for the whole batch: the ids and times as two arrays, joined to the table; unknown ids match nothing. */
  @Override
  public void touch(Map<String, Instant> lastUsed) {
    if (lastUsed.isEmpty()) {
      return;
    }
    String[] ids = new String[lastUsed.size()];
    java.time.OffsetDateTime[] times = new java.time.OffsetDateTime[lastUsed.size()];
    int i = 0;
    for (Map.Entry<String, Instant> e : lastUsed.entrySet()) {
      ids[i] = e.getKey();
      times[i] = java.time.OffsetDateTime.ofInstant(e.getValue(), java.time.ZoneOffset.UTC);
      i++;
    }
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("UPDATE api_keys k SET last_used_at = t.at "
             + "FROM unnest(?::varchar[], ?::timestamptz[]) AS t(id, at) WHERE k.id = t.id")) {
      ps.setArray(1, c.createArrayOf("varchar", ids));
      ps.setArray(2, c.createArrayOf("timestamptz", times));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot record last-used times of " + lastUsed.size() + " keys: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<ApiKey> findById(String id) {
    try (Connection c = db.connection();
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
  public List<ApiKey> findAll() {
    try (Connection c = db.connection();
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

  private static void bind(PreparedStatement ps, ApiKey key) throws SQLException {
    ps.setString(1, key.id());
    ps.setString(2, key.name());
    ps.setString(3, key.hash());
    ps.setString(4, key.displayHint());
    ps.setString(5, key.role().name());
    ps.setString(6, Jdbc.jsonList(key.allowedModels().stream().sorted().toList()));
    PostgresDatabase.setInstant(ps, 7, key.createdAt());
    PostgresDatabase.setOptionalInstant(ps, 8, key.expiresAt());
    PostgresDatabase.setOptionalInstant(ps, 9, key.revokedAt());
    ps.setString(10, key.orgId().orElse(null));
    ps.setString(11, key.projectId().orElse(null));
    setOptionalLong(ps, 12, key.rpmLimit());
    setOptionalLong(ps, 13, key.tpmLimit());
    ps.setString(14, Json.string(key.metadata()));
    ps.setString(15, Jdbc.jsonList(key.tags()));
    PostgresDatabase.setOptionalInstant(ps, 16, key.lastUsedAt());
    ps.setString(17, key.createdBy().orElse(null));
    ps.setString(18, key.replacedBy().orElse(null));
  }

  private static void bindUpdate(PreparedStatement ps, ApiKey key) throws SQLException {
    ps.setString(1, key.name());
    ps.setString(2, Jdbc.jsonList(key.allowedModels().stream().sorted().toList()));
    PostgresDatabase.setOptionalInstant(ps, 3, key.expiresAt());
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

  private static ApiKey read(ResultSet rs) throws SQLException {
    return new ApiKey(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("key_hash"),
        rs.getString("display_hint"),
        ApiKey.Role.valueOf(rs.getString("role")),
        new LinkedHashSet<>(Jdbc.parseJsonList(rs.getString("allowed_models"))),
        PostgresDatabase.instant(rs, "created_at"),
        PostgresDatabase.optionalInstant(rs, "expires_at"),
        PostgresDatabase.optionalInstant(rs, "revoked_at"),
        Optional.ofNullable(rs.getString("org_id")),
        Optional.ofNullable(rs.getString("project_id")),
        optionalLong(rs, "rpm_limit"),
        optionalLong(rs, "tpm_limit"),
        parseMap(rs.getString("metadata")),
        Jdbc.parseJsonList(rs.getString("tags")),
        PostgresDatabase.optionalInstant(rs, "last_used_at"),
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
