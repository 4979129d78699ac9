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
import java.util.function.Supplier;

/**
 * {@link PriceOverrideStore} written once for DuckDB and PostgreSQL. The spec stays text on both: its prices are
 * exact decimals, which a JSON column type could round.
 */
abstract class JdbcPriceOverrideStore implements PriceOverrideStore {
  private final Supplier<Connection> connections;
  private final SqlTime time;

  JdbcPriceOverrideStore(Supplier<Connection> connections, SqlTime time) {
    this.connections = connections;
    this.time = time;
  }

  @Override
  public final void insert(StoredOverride o) {
    try (Connection c = connections.get();
         PreparedStatement ps = c.prepareStatement("INSERT INTO price_overrides (id, spec, created_at) VALUES (?, ?, ?)")) {
      ps.setString(1, o.id());
      ps.setString(2, o.spec().toString());
      time.set(ps, 3, o.createdAt());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store price override " + o.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public final List<StoredOverride> all() {
    try (Connection c = connections.get();
         PreparedStatement ps = c.prepareStatement("SELECT id, spec, created_at FROM price_overrides ORDER BY created_at, id");
         ResultSet rs = ps.executeQuery()) {
      List<StoredOverride> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new StoredOverride(rs.getString(1), Json.parseObject(rs.getString(2).getBytes(StandardCharsets.UTF_8)),
            time.get(rs, "created_at")));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read price overrides: " + e.getMessage(), e);
    }
  }
}
