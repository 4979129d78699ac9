package dev.tollgate.storage;

import dev.tollgate.routing.DeploymentOverrideStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** {@link DeploymentOverrideStore} written once for DuckDB and PostgreSQL (the same upsert on both). */
public final class JdbcDeploymentOverrideStore implements DeploymentOverrideStore {
  private final Supplier<? extends Connection> connections;
  private final SqlTime time;

  JdbcDeploymentOverrideStore(Supplier<? extends Connection> connections, SqlTime time) {
    this.connections = connections;
    this.time = time;
  }

  @Override
  public void put(StoredOverride o) {
    try (Connection c = connections.get();
         PreparedStatement ps = c.prepareStatement("INSERT INTO deployment_overrides (model, id, enabled, weight, updated_at) "
             + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (model, id) DO UPDATE SET enabled = excluded.enabled, "
             + "weight = excluded.weight, updated_at = excluded.updated_at")) {
      ps.setString(1, o.model());
      ps.setString(2, o.id());
      ps.setBoolean(3, o.enabled());
      ps.setInt(4, o.weight());
      time.set(ps, 5, o.updatedAt());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store the override of deployment " + o.model() + "/" + o.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void remove(String model, String id) {
    try (Connection c = connections.get();
         PreparedStatement ps = c.prepareStatement("DELETE FROM deployment_overrides WHERE model = ? AND id = ?")) {
      ps.setString(1, model);
      ps.setString(2, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot remove the override of deployment " + model + "/" + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<StoredOverride> all() {
    try (Connection c = connections.get();
         PreparedStatement ps = c.prepareStatement(
             "SELECT model, id, enabled, weight, updated_at FROM deployment_overrides ORDER BY model, id");
         ResultSet rs = ps.executeQuery()) {
      List<StoredOverride> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new StoredOverride(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getInt(4), time.get(rs, "updated_at")));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read deployment overrides: " + e.getMessage(), e);
    }
  }
}
