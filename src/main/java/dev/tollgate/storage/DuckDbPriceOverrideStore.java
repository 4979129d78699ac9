package dev.tollgate.storage;

import dev.tollgate.common.Json;
import dev.tollgate.pricing.PriceOverrideStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link PriceOverrideStore} on DuckDB. */
public final class DuckDbPriceOverrideStore implements PriceOverrideStore {
  private final Database db;

  public DuckDbPriceOverrideStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(StoredOverride o) {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO price_overrides (id, spec, created_at) VALUES (?, ?, ?)")) {
      ps.setString(1, o.id());
      ps.setString(2, o.spec().toString());
      Jdbc.setInstant(ps, 3, o.createdAt());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store price override " + o.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<StoredOverride> all() {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("SELECT id, spec, created_at FROM price_overrides ORDER BY created_at, id");
         ResultSet rs = ps.executeQuery()) {
      List<StoredOverride> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new StoredOverride(rs.getString(1), Json.parseObject(rs.getString(2).getBytes(java.nio.charset.StandardCharsets.UTF_8)), Jdbc.instant(rs, "created_at")));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read price overrides: " + e.getMessage(), e);
    }
  }
}
