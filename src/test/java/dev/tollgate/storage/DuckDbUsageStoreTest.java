package dev.tollgate.storage;

import dev.tollgate.config.TollgateConfig.StoreConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.usage.UsageRecord;
import dev.tollgate.usage.UsageStore;
import dev.tollgate.usage.UsageStoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage-store contract on a real DuckDB file. */
class DuckDbUsageStoreTest extends UsageStoreContract {
  @TempDir
  Path dir;
  Database db;
  UsageStore store;

  @BeforeEach
  void open() {
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("usage.duckdb")).url());
    store = new DuckDbUsageStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Override
  protected UsageStore store() {
    return store;
  }

  /**
   * A batch larger than the Appender's 2,048-row chunk, whose rollup fails: neither rows nor rollups may stay.
   * DuckDB's JDBC driver begins a {@code setAutoCommit(false)} transaction only at the next statement, so an
   * Appender flushing before any statement used to commit its chunks on its own, and the retry appended them again.
   */
  @Test
  void append_whoseRollupFails_leavesNoRowsBehind() throws SQLException {
    execute("DROP TABLE usage_latency_daily"); // the last rollup written: everything before it has run
    List<UsageRecord> batch = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      batch.add(record("req-" + i, 1, T0.plusMillis(i)));
    }

    assertThatThrownBy(() -> store.append(batch)).isInstanceOf(StoreException.class);

    assertThat(count("usage")).isZero();
    assertThat(count("usage_hourly")).isZero();
    assertThat(count("usage_latency_hourly")).isZero();
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = db.connection(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private long count(String table) throws SQLException {
    try (Connection c = db.connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
