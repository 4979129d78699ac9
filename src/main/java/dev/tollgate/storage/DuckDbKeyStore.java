package dev.tollgate.storage;

import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/** {@link KeyStore} on DuckDB: {@link JdbcKeyStore} plus DuckDB's way of storing the master key and last-used times. */
public final class DuckDbKeyStore extends JdbcKeyStore {

  public DuckDbKeyStore(Database db) {
    super(db::connection, SqlTime.DUCKDB, "?");
  }

  /** Delete and insert in one transaction: every column is replaced. */
  @Override
  public void upsertMaster(ApiKey master) {
    try (Connection c = connection(); PreparedStatement del = c.prepareStatement("DELETE FROM api_keys WHERE id = ?");
         PreparedStatement ins = c.prepareStatement(insert)) {
      Jdbc.inTransaction(c, () -> {
        del.setString(1, master.id());
        del.executeUpdate();
        bind(ins, master);
        return ins.executeUpdate();
      });
    } catch (SQLException e) {
      throw new StoreException("cannot store the master key: " + e.getMessage(), e);
    }
  }

  /** One transaction of single-row updates (DuckDB has one writer: there is nothing to contend with). */
  @Override
  public void touch(Map<String, Instant> lastUsed) {
    if (lastUsed.isEmpty()) {
      return;
    }
    try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET last_used_at = ? WHERE id = ?")) {
      Jdbc.inTransaction(c, () -> {
        for (Map.Entry<String, Instant> e : lastUsed.entrySet()) {
          time.set(ps, 1, e.getValue());
          ps.setString(2, e.getKey());
          ps.executeUpdate();
        }
        return null;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot record last-used times of " + lastUsed.size() + " keys: " + e.getMessage(), e);
    }
  }
}
