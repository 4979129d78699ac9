package dev.tollgate.storage;

import dev.tollgate.analytics.LogHistogram;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Keeps the rollups of V031/V032 ({@code usage_hourly}, {@code usage_latency_hourly},
 * {@code usage_latency_daily}) in step with the ledger: a batch of rows that was just appended is aggregated in
 * Java (one entry per hour, dimension, value, org and project) and upserted with {@code INSERT ... ON CONFLICT
 * DO UPDATE}, in the same transaction as the append. Only rows really appended are added, so a replayed batch is not counted twice.
 */
public final class DuckDbUsageRollup {
  /** The dimensions of usage_hourly besides '' (the per-project total). */
  static final List<String> DIMS = List.of("", "model", "model_requested", "provider", "key", "status", "deployment",
      "endpoint", "tags");
  static final int MEASURES = 17;
  /** The measure columns of usage_hourly and usage_user_daily, in table order (PostgresUsageRollup uses them too). */
  static final String MEASURE_COLUMNS = "requests, attempts, errors, fallbacks, cache_hits, cost_nanos, saved_nanos, "
      + "input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, audio_input_tokens, "
      + "image_input_tokens, output_tokens, reasoning_tokens, audio_output_tokens, latency_ms";
  private static final long HOUR_MICROS = 3_600_000_000L;
  /** Where DuckDB keeps a connection's temporary tables. */
  private static final String TEMP_CATALOG = "temp";
  /** {@code m = m + excluded.m} for every measure. */
  private static final String HOURLY_SET;
  private static final String LATENCY_SET = "n = n + excluded.n";
  private static final long DAY_MICROS = 24 * HOUR_MICROS;

  static {
    StringBuilder set = new StringBuilder();
    for (String m : MEASURE_COLUMNS.split(", ")) {
      set.append(set.isEmpty() ? "" : ", ").append(m).append(" = ").append(m).append(" + excluded.").append(m);
    }
    HOURLY_SET = set.toString();
  }

  private DuckDbUsageRollup() {}

  record HourKey(long hourMicros, String dim, String value, String org, String project) {}

  record LatencyKey(long hourMicros, String org, String project, String model, int kind, int bin) {}

  /** Everything of a row that some rollup groups by: rows alike in all of it are summed once, then spread over the dimensions. */
  private record RowKey(long hourMicros, String org, String project, String modelServed, String modelRequested,
      String provider, String keyId, int status, String deployment, String endpoint, String tags, String user) {}

  /** Adds {@code rows} (already appended to usage over {@code c}) to the rollups. */
  static void add(DuckDBConnection c, Collection<UsageRecord> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    // Rows first summed per RowKey (under load most rows of a batch share one), then each sum spread over the
    // nine dimensions: one map lookup per row instead of ten.
    Map<RowKey, long[]> alike = new HashMap<>();
    Map<LatencyKey, long[]> latency = new HashMap<>();
    String lastTags = null;
    List<String> lastTagList = null;
    for (UsageRecord r : rows) {
      long hour = Math.floorDiv(Jdbc.micros(r.startedAt()), HOUR_MICROS) * HOUR_MICROS;
      String org = r.orgId().orElse("");
      String project = r.projectId().orElse("");
      if (!r.tags().equals(lastTagList)) {
        lastTagList = r.tags();
        lastTags = DuckDbUsageStore.tagsJson(lastTagList);
      }
      long[] acc = alike.computeIfAbsent(new RowKey(hour, org, project, r.modelServed(), r.modelRequested(), r.provider(),
          r.keyId(), r.status(), r.deployment().orElse(""), r.endpoint(), lastTags, r.userId().orElse("")),
          k -> new long[MEASURES]);
      addMeasures(acc, r);
      if (r.status() < 400 && !r.flags().contains(UsageFlag.CACHE_HIT)) {
        latency.computeIfAbsent(new LatencyKey(hour, org, project, r.modelServed(), 0, bin(r.latencyMillis())),
            k -> new long[1])[0]++;
        if (r.firstTokenAt().isPresent()) {
          long ttft = Math.floorDiv(Jdbc.micros(r.firstTokenAt().get()), 1000) - Math.floorDiv(Jdbc.micros(r.startedAt()), 1000);
          latency.computeIfAbsent(new LatencyKey(hour, org, project, r.modelServed(), 1, bin(ttft)), k -> new long[1])[0]++;
        }
      }
    }
    Map<HourKey, long[]> hourly = new HashMap<>();
    Map<HourKey, long[]> userDaily = new HashMap<>();
    alike.forEach((k, m) -> {
      for (String dim : DIMS) {
        String value = switch (dim) {
          case "" -> "";
          case "model" -> k.modelServed();
          case "model_requested" -> k.modelRequested();
          case "provider" -> k.provider();
          case "key" -> k.keyId();
          case "status" -> Integer.toString(k.status());
          case "deployment" -> k.deployment();
          case "endpoint" -> k.endpoint();
          case "tags" -> k.tags();
          default -> throw new IllegalStateException(dim);
        };
        sum(hourly.computeIfAbsent(new HourKey(k.hourMicros(), dim, value, k.org(), k.project()), x -> new long[MEASURES]), m);
      }
      long day = Math.floorDiv(k.hourMicros(), DAY_MICROS) * DAY_MICROS;
      sum(userDaily.computeIfAbsent(new HourKey(day, "user", k.user(), k.org(), k.project()), x -> new long[MEASURES]), m);
    });
    upsert(c, "usage_hourly", hourly, HOURLY_SET, HOURLY_ROW);
    upsert(c, "usage_user_daily", userDaily, HOURLY_SET, HOURLY_ROW);
    upsert(c, "usage_latency_hourly", latency, LATENCY_SET, LATENCY_ROW);
    Map<LatencyKey, long[]> daily = new HashMap<>();
    latency.forEach((k, n) -> daily.computeIfAbsent(new LatencyKey(Math.floorDiv(k.hourMicros(), DAY_MICROS) * DAY_MICROS,
        k.org(), k.project(), k.model(), k.kind(), k.bin()), x -> new long[1])[0] += n[0]);
    upsert(c, "usage_latency_daily", daily, LATENCY_SET, LATENCY_ROW);
  }

  /** {@link LogHistogram#binSql}'s value, computed in Java. */
  static int bin(long millis) {
    return (int) Math.round(Math.log(Math.max(millis, 1)) * LogHistogram.BINS_PER_E);
  }

  /** Adds {@code r}'s measures, in {@link #MEASURE_COLUMNS}' order, to {@code acc}. */
  private static void addMeasures(long[] acc, UsageRecord r) {
    TokenUsage u = r.usage();
    acc[0] += r.attempt() <= 1 ? 1 : 0;
    acc[1] += 1;
    acc[2] += r.status() >= 400 ? 1 : 0;
    acc[3] += r.flags().contains(UsageFlag.FALLBACK_USED) ? 1 : 0;
    acc[4] += r.flags().contains(UsageFlag.CACHE_HIT) ? 1 : 0;
    acc[5] += r.costNanos();
    acc[6] += r.savedNanos();
    acc[7] += u.inputTokens();
    acc[8] += u.cacheReadTokens();
    acc[9] += u.cacheWrite5mTokens();
    acc[10] += u.cacheWrite1hTokens();
    acc[11] += u.audioInputTokens();
    acc[12] += u.imageInputTokens();
    acc[13] += u.outputTokens();
    acc[14] += u.reasoningTokens();
    acc[15] += u.audioOutputTokens();
    acc[16] += r.latencyMillis();
  }

  private static void sum(long[] acc, long[] m) {
    for (int i = 0; i < MEASURES; i++) {
      acc[i] += m[i];
    }
  }

  /** Appends one rollup row's columns after its key's, in the table's column order. */
  @FunctionalInterface
  private interface RowWriter<K> {
    void append(DuckDBAppender a, K key, long[] measures) throws SQLException;
  }

  private static final RowWriter<HourKey> HOURLY_ROW = (a, k, measures) -> {
    a.appendEpochMicros(k.hourMicros()).append(k.dim()).append(k.value()).append(k.org()).append(k.project());
    for (long v : measures) {
      a.append(v);
    }
  };

  private static final RowWriter<LatencyKey> LATENCY_ROW = (a, k, n) -> a.appendEpochMicros(k.hourMicros())
      .append(k.org()).append(k.project()).append(k.model()).append((byte) k.kind()).append(k.bin()).append(n[0]);

  /**
   * Stages {@code rows} with the Appender into a temporary copy of {@code table}, then merges them with one
   * {@code INSERT ... SELECT ... ON CONFLICT DO UPDATE SET set}. A statement of bound VALUES cost a prepare of up to
   * 4,400 parameters per 200 rows: with a different user on every request (usage_user_daily gets a row per
   * user and day) that was 44 % of all CPU under load and capped the gateway at 2,200 req/s (bench/soak.sh).
   */
  private static <K> void upsert(DuckDBConnection c, String table, Map<K, long[]> rows, String set, RowWriter<K> row)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    String stage = stage(c, table);
    try (DuckDBAppender a = c.createAppender(TEMP_CATALOG, DuckDBConnection.DEFAULT_SCHEMA, stage)) {
      for (Map.Entry<K, long[]> e : rows.entrySet()) {
        a.beginRow();
        row.append(a, e.getKey(), e.getValue());
        a.endRow();
      }
    }
    merge(c, table, stage, set);
  }

  /** An empty temporary table shaped like {@code table}, private to this connection (no keys: a plain append). */
  private static String stage(Connection c, String table) throws SQLException {
    String stage = table + "_stage";
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TEMP TABLE IF NOT EXISTS " + stage + " AS SELECT * FROM " + table + " LIMIT 0");
    }
    return stage;
  }

  private static void merge(Connection c, String table, String stage, String set) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("INSERT INTO " + table + " SELECT * FROM " + stage + " ON CONFLICT DO UPDATE SET " + set);
      st.execute("DELETE FROM " + stage);
    }
  }

  /**
   * Recomputes both rollups from the whole ledger (the statements V031 ran as its backfill): for a ledger
   * written around the store, such as the benchmark generator's.
   */
  static void rebuild(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String table : REBUILT) {
        st.execute("DELETE FROM " + table);
      }
      for (String stmt : backfill(Migrations.forDuckDb())) {
        st.execute(stmt);
      }
    }
  }

  /** The rollup tables (a rebuild empties them first). */
  static final List<String> REBUILT = List.of("usage_hourly", "usage_latency_hourly", "usage_latency_daily", "usage_user_daily");

  /** V031–V033's backfill statements in order. */
  private static List<String> backfill(Migrations migrations) {
    List<String> out = new ArrayList<>(migrations.statementsFrom("V031__usage_rollups.sql", "INSERT INTO usage_hourly"));
    out.addAll(migrations.statementsFrom("V032__usage_latency_daily.sql", "INSERT INTO usage_latency_daily"));
    out.addAll(migrations.statementsFrom("V033__usage_user_daily.sql", "INSERT INTO usage_user_daily"));
    return out;
  }

  /** Public entry for tools outside the package (the benchmark generator). */
  public static void rebuild(Database db) {
    try (Connection c = db.connection()) {
      rebuild(c);
    } catch (SQLException e) {
      throw new StoreException("cannot rebuild the usage rollups: " + e.getMessage(), e);
    }
  }
}
