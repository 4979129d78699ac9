package dev.tollgate.storage;

import dev.tollgate.analytics.AnalyticsStore;
import dev.tollgate.analytics.AnalyticsStoreContract;
import dev.tollgate.usage.UsageRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
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
