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

/** {@link KeyStore} on DuckDB ({@link PostgresKeyStore} is the PostgreSQL twin). */
public final class DuckDbKeyStore implements KeyStore {
  private static final String COLUMNS = "id, name, key_hash, display_hint, role, allowed_models, created_at, expires_at, revoked_at";

  private final Database db;

  public DuckDbKeyStore(Database db) {
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
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement del = c.prepareStatement("DELETE FROM api_keys WHERE id = ?");
           PreparedStatement ins = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
  }

  private static ApiKey read(ResultSet rs) throws SQLException {
    return new ApiKey(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("key_hash"),
        rs.getString("display_hint"),
        ApiKey.Role.valueOf(rs.getString("role")),
        new LinkedHashSet<>(Jdbc.parseJsonList(rs.getString("allowed_models"))),
        Jdbc.instant(rs, "created_at"),
        Jdbc.optionalInstant(rs, "expires_at"),
        Jdbc.optionalInstant(rs, "revoked_at"));
  }
}
