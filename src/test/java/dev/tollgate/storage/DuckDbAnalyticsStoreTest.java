package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.analytics.AnalyticsStore;
import dev.tollgate.analytics.AnalyticsStoreContract;
import dev.tollgate.usage.UsageRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbAnalyticsStoreTest extends AnalyticsStoreContract {
  @TempDir Path dir;
  private Database db;
  private DuckDbUsageStore usage;
  private DuckDbAnalyticsStore store;

  @Override
  protected AnalyticsStore store() {
    open();
    return store;
  }

  @Override
  protected void append(List<UsageRecord> rows) {
    open();
    usage.append(rows);
  }

  @Override
  protected AnalyticsStore rawStore() {
    open();
    return new DuckDbAnalyticsStore(db, false);
  }

  @Override
  protected int replay(List<UsageRecord> rows) {
    open();
    return usage.appendIfAbsent(rows);
  }

  @Test
  void backfill_givesTheSameRollupAsTheIncrementalUpserts() throws Exception {
    append(randomRows(new java.util.Random(11), 500));
    String snapshot = "SELECT * FROM usage_hourly UNION ALL SELECT hour, 'latency', model, org_id, project_id, kind, bin, n,"
        + " 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM usage_latency_hourly UNION ALL SELECT day, 'latency_daily', model, org_id, project_id, kind, bin, n,"
        + " 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM usage_latency_daily UNION ALL SELECT * FROM usage_user_daily ORDER BY ALL";
    List<String> incremental = rows(snapshot);
    try (java.sql.Connection c = db.connection()) {
      DuckDbUsageRollup.rebuild(c);
    }
    assertThat(rows(snapshot)).hasSizeGreaterThan(100).isEqualTo(incremental);
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    try (java.sql.Connection c = db.connection(); java.sql.Statement st = c.createStatement();
         java.sql.ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(rs.getString(i)).append('|');
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  private void open() {
    if (db == null) {
      db = Database.open("jdbc:duckdb:" + dir.resolve("analytics.duckdb"));
      usage = new DuckDbUsageStore(db);
      store = new DuckDbAnalyticsStore(db);
    }
  }

  @AfterEach
  void close() {
    usage.close();
    db.close();
  }
}
