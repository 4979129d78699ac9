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

/** {@link KeyStore} on DuckDB ({@link PostgresKeyStore} is the PostgreSQL twin). */
public final class DuckDbKeyStore implements KeyStore {
  private static final String COLUMNS = "id, name, key_hash, display_hint, role, allowed_models, created_at, expires_at, "
      + "revoked_at, org_id, project_id, rpm_limit, tpm_limit, metadata, tags, last_used_at, created_by, replaced_by";
  private static final String INSERT = "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE = "UPDATE api_keys SET name = ?, allowed_models = ?, expires_at = ?, rpm_limit = ?, "
      + "tpm_limit = ?, metadata = ?, tags = ?, replaced_by = ? WHERE id = ?";
  private static final TypeReference<TreeMap<String, String>> STRING_MAP = new TypeReference<>() {};

  private final Database db;

  public DuckDbKeyStore(Database db) {
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

  @Override
  public void upsertMaster(ApiKey master) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement del = c.prepareStatement("DELETE FROM api_keys WHERE id = ?");
           PreparedStatement ins = c.prepareStatement(INSERT)) {
        del.setString(1, master.id());
        del.executeUpdate();
        bind(ins, master);
        ins.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot store the master key: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean revoke(String id, Instant at) {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      Jdbc.setInstant(ps, 1, at);
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
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot rotate key " + replaced.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void touch(Map<String, Instant> lastUsed) {
    if (lastUsed.isEmpty()) {
      return;
    }
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET last_used_at = ? WHERE id = ?")) {
        for (Map.Entry<String, Instant> e : lastUsed.entrySet()) {
          Jdbc.setInstant(ps, 1, e.getValue());
          ps.setString(2, e.getKey());
          ps.executeUpdate();
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
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
    Jdbc.setInstant(ps, 7, key.createdAt());
    Jdbc.setOptionalInstant(ps, 8, key.expiresAt());
    Jdbc.setOptionalInstant(ps, 9, key.revokedAt());
    ps.setString(10, key.orgId().orElse(null));
    ps.setString(11, key.projectId().orElse(null));
    setOptionalLong(ps, 12, key.rpmLimit());
    setOptionalLong(ps, 13, key.tpmLimit());
    ps.setString(14, Json.string(key.metadata()));
    ps.setString(15, Jdbc.jsonList(key.tags()));
    Jdbc.setOptionalInstant(ps, 16, key.lastUsedAt());
    ps.setString(17, key.createdBy().orElse(null));
    ps.setString(18, key.replacedBy().orElse(null));
  }

  private static void bindUpdate(PreparedStatement ps, ApiKey key) throws SQLException {
    ps.setString(1, key.name());
    ps.setString(2, Jdbc.jsonList(key.allowedModels().stream().sorted().toList()));
    Jdbc.setOptionalInstant(ps, 3, key.expiresAt());
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
    String metadata = rs.getString("metadata");
    String tags = rs.getString("tags");
    return new ApiKey(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("key_hash"),
        rs.getString("display_hint"),
        ApiKey.Role.valueOf(rs.getString("role")),
        new LinkedHashSet<>(Jdbc.parseJsonList(rs.getString("allowed_models"))),
        Jdbc.instant(rs, "created_at"),
        Jdbc.optionalInstant(rs, "expires_at"),
        Jdbc.optionalInstant(rs, "revoked_at"),
        Optional.ofNullable(rs.getString("org_id")),
        Optional.ofNullable(rs.getString("project_id")),
        optionalLong(rs, "rpm_limit"),
        optionalLong(rs, "tpm_limit"),
        metadata == null ? Map.of() : parseMap(metadata),
        tags == null ? List.of() : Jdbc.parseJsonList(tags),
        Jdbc.optionalInstant(rs, "last_used_at"),
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
