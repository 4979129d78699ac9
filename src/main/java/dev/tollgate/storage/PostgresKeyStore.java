package dev.tollgate.storage;

import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** {@link KeyStore} on PostgreSQL. The master key is one upsert, so replicas starting together agree on it. */
public final class PostgresKeyStore implements KeyStore {
  private static final String COLUMNS = "id, name, key_hash, display_hint, role, allowed_models, created_at, expires_at, revoked_at";

  private final PostgresDatabase db;

  public PostgresKeyStore(PostgresDatabase db) {
    this.db = db;
  }

  @Override
  public void insert(ApiKey key) {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      bind(ps, key);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot insert key " + key.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void upsertMaster(ApiKey master) {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
             + "ON CONFLICT (id) DO UPDATE SET name = excluded.name, key_hash = excluded.key_hash, "
             + "display_hint = excluded.display_hint, role = excluded.role, allowed_models = excluded.allowed_models, "
             + "created_at = excluded.created_at, expires_at = excluded.expires_at, revoked_at = excluded.revoked_at")) {
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
        PostgresDatabase.optionalInstant(rs, "revoked_at"));
  }

  // Tenancy's key fields are not in the PostgreSQL schema yet (being added with the V010 mirror).
  @Override
  public void update(ApiKey key) {
    throw new UnsupportedOperationException("key update on PostgreSQL: not built yet");
  }

  @Override
  public void rotate(ApiKey replaced, ApiKey successor) {
    throw new UnsupportedOperationException("key rotation on PostgreSQL: not built yet");
  }

  @Override
  public void touch(java.util.Map<String, Instant> lastUsed) {
    throw new UnsupportedOperationException("key last-used on PostgreSQL: not built yet");
  }
}
