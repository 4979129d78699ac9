package dev.tollgate.storage;

import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * {@link KeyStore} on PostgreSQL: {@link JdbcKeyStore} with metadata and tags as jsonb. The master key is one
 * upsert, so replicas starting together agree on it; last-used times are one batched statement.
 */
public final class PostgresKeyStore extends JdbcKeyStore {

  public PostgresKeyStore(PostgresDatabase db) {
    super(db::connection, SqlTime.POSTGRES, "CAST(? AS jsonb)");
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
    try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(insert + " ON CONFLICT (id) DO UPDATE SET " + set)) {
      bind(ps, master);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store the master key: " + e.getMessage(), e);
    }
  }

  /** One statement for the whole batch: the ids and times as two arrays, joined to the table; unknown ids match nothing. */
  @Override
  public void touch(Map<String, Instant> lastUsed) {
    if (lastUsed.isEmpty()) {
      return;
    }
    String[] ids = new String[lastUsed.size()];
    OffsetDateTime[] times = new OffsetDateTime[lastUsed.size()];
    int i = 0;
    for (Map.Entry<String, Instant> e : lastUsed.entrySet()) {
      ids[i] = e.getKey();
      times[i] = OffsetDateTime.ofInstant(e.getValue(), ZoneOffset.UTC);
      i++;
    }
    try (Connection c = connection();
         PreparedStatement ps = c.prepareStatement("UPDATE api_keys k SET last_used_at = t.at "
             + "FROM unnest(?::varchar[], ?::timestamptz[]) AS t(id, at) WHERE k.id = t.id")) {
      ps.setArray(1, c.createArrayOf("varchar", ids));
      ps.setArray(2, c.createArrayOf("timestamptz", times));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot record last-used times of " + lastUsed.size() + " keys: " + e.getMessage(), e);
    }
  }
}
