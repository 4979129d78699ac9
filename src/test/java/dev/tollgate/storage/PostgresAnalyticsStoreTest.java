package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.analytics.AnalyticsStore;
import dev.tollgate.analytics.AnalyticsStoreContract;
import dev.tollgate.analytics.LogHistogram;
import dev.tollgate.testing.PostgresSchema;
import dev.tollgate.testing.RequiresPostgres;
import dev.tollgate.usage.UsageRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The analytics-store contract on a real PostgreSQL (a fresh schema for this class), rows written by the real ledger
 * store: the rollup answers equal a raw-only store's on random ledgers, after more batches and after replays. Plus
 * what only PostgreSQL has: its rollups are maintained in SQL, so its histogram bins are checked against Java's, and
 * V031–V033's backfill against the incremental upserts.
 */
@RequiresPostgres
class PostgresAnalyticsStoreTest extends AnalyticsStoreContract {
  static PostgresStores pg;
  static PostgresUsageStore usage;

  @BeforeAll
  static void open() {
    pg = new PostgresStores();
    usage = new PostgresUsageStore(pg.db);
  }

  @AfterAll
  static void close() {
    if (pg != null) {
      pg.close();
    }
  }

  /** After, not before: the contract seeds the ledger in its own @BeforeEach, which runs before a subclass's. */
  @AfterEach
  void empty() {
    pg.truncateAll();
  }

  @Override
  protected AnalyticsStore store() {
    return new PostgresAnalyticsStore(pg.db);
  }

  @Override
  protected void append(List<UsageRecord> rows) {
    usage.append(rows);
  }

  @Override
  protected AnalyticsStore rawStore() {
    return new PostgresAnalyticsStore(pg.db, false);
  }

  @Override
  protected int replay(List<UsageRecord> rows) {
    return usage.appendIfAbsent(rows);
  }

  /** The rollups bin in SQL, DuckDB's in Java: the same value must land in the same bin on both. */
  @Test
  void latencyBinsInSql_equalTheJavaBins() throws SQLException {
    String sql = "SELECT x, " + LogHistogram.binSql("x") + " FROM (SELECT generate_series(0, 400000) AS x UNION ALL"
        + " SELECT (1.37 ^ generate_series(1, 60))::bigint) v";
    int checked = 0;
    try (Connection c = pg.db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        long x = rs.getLong(1);
        if (rs.getInt(2) != DuckDbUsageRollup.bin(x)) {
          throw new AssertionError("bin of " + x + ": PostgreSQL " + rs.getInt(2) + ", Java " + DuckDbUsageRollup.bin(x));
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(400_061);
  }

  /**
   * Rows in the ledger before V031 appear in the rollups: V031–V033's backfill, run on a copy of this ledger
   * migrated only up to V030, builds exactly the rollups the incremental upserts built.
   */
  @Test
  void migrationBackfill_buildsTheRollupsTheIncrementalUpsertsBuilt() throws SQLException {
    List<dev.tollgate.usage.UsageRecord> rows = randomRows(new java.util.Random(11), 600);
    append(rows.subList(0, 400));
    assertThat(replay(rows)).as("the replay adds only the 200 new rows").isEqualTo(200);
    List<String> incremental = rollups(pg.schema);
    assertThat(incremental).hasSizeGreaterThan(1_000);
    try (PostgresSchema old = PostgresSchema.create()) {
      try (Connection c = old.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL,"
            + " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)");
        for (Migrations.Script s : Migrations.forPostgres().scripts()) {
          if (s.version() < 31) {
            for (String stmt : Migrations.statements(s.sql())) {
              st.execute(stmt);
            }
            st.execute("INSERT INTO schema_version (version, name, checksum) VALUES (" + s.version() + ", '" + s.name() + "', '"
                + s.checksum() + "')");
          }
        }
        st.execute("INSERT INTO usage SELECT * FROM " + pg.schema.name() + ".usage");
      }
      PostgresDatabase.open(old.url()).close(); // applies V031-V033
      assertThat(rollups(old)).isEqualTo(incremental);
    }
  }

  /** The benchmark's rebuild (V031–V033 again) gives the incremental rollups, and later batches still upsert into them. */
  @Test
  void rebuild_givesTheIncrementalRollups_andLaterBatchesStillUpsert() throws SQLException {
    List<dev.tollgate.usage.UsageRecord> rows = randomRows(new java.util.Random(12), 500);
    append(rows.subList(0, 300));
    List<String> incremental = rollups(pg.schema);
    PostgresUsageRollup.rebuild(pg.db);
    assertThat(rollups(pg.schema)).hasSizeGreaterThan(500).isEqualTo(incremental);
    append(rows.subList(200, 500));
    dev.tollgate.analytics.Slice all = dev.tollgate.analytics.Slice.all(java.time.Instant.parse("2026-11-08T00:00:00Z"),
        java.time.Instant.parse("2026-11-13T00:00:00Z"));
    assertThat(store().totals(all)).isEqualTo(rawStore().totals(all));
    assertThat(store().totals(all).attempts()).isEqualTo(4 + 500);
  }

  /** Every row of the four rollups, as text, in key order. */
  private static List<String> rollups(PostgresSchema schema) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = schema.connect(); Statement st = c.createStatement()) {
      for (String sql : List.of("SELECT * FROM usage_hourly ORDER BY dim, hour, org_id, project_id, value",
          "SELECT * FROM usage_user_daily ORDER BY day, org_id, project_id, dim, value",
          "SELECT * FROM usage_latency_hourly ORDER BY hour, org_id, project_id, model, kind, bin",
          "SELECT * FROM usage_latency_daily ORDER BY day, org_id, project_id, model, kind, bin")) {
        try (ResultSet rs = st.executeQuery(sql)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder b = new StringBuilder(sql.substring(14, 30));
            for (int i = 1; i <= n; i++) {
              b.append('|').append(rs.getString(i));
            }
            out.add(b.toString());
          }
        }
      }
    }
    return out;
  }
}
