package dev.tollgate.storage;

import dev.tollgate.common.Json;
import dev.tollgate.pricing.PriceOverrideStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link PriceOverrideStore} on PostgreSQL. The spec stays text: its prices are exact decimals. */
public final class PostgresPriceOverrideStore implements PriceOverrideStore {
  private final PostgresDatabase db;

  public PostgresPriceOverrideStore(PostgresDatabase db) {
    this.db = db;
  }

  @Override
  public void insert(StoredOverride o) {
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO price_overrides (id, spec, created_at) VALUES (?, ?, ?)")) {
      ps.setString(1, o.id());
      ps.setString(2, o.spec().toString());
      PostgresDatabase.setInstant(ps, 3, o.createdAt());
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
        out.add(new StoredOverride(rs.getString(1), Json.parseObject(rs.getString(2).getBytes(StandardCharsets.UTF_8)),
            PostgresDatabase.instant(rs, "created_at")));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read price overrides: " + e.getMessage(), e);
    }
  }
}
