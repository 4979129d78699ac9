package dev.tollgate.storage;

import dev.tollgate.analytics.LogHistogram;
import dev.tollgate.usage.UsageFlag;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQL that keeps the PostgreSQL rollups of V031–V033 ({@code usage_hourly}, {@code usage_user_daily},
 * {@code usage_latency_hourly}, {@code usage_latency_daily}) in step with the ledger. {@link #INSERT} is one
 * statement: it inserts the staged batch ({@code ON CONFLICT (request_id, attempt) DO NOTHING RETURNING *}) and
 * adds exactly the rows that insert returned to every rollup. So a replayed batch adds nothing twice, and a rollup
 * never holds a row the ledger does not (same statement, same transaction).
 *
 * <p>Unlike {@link DuckDbUsageRollup}, which aggregates the batch in Java, the aggregation happens in PostgreSQL:
 * the inserted rows never travel back, and one {@code GROUPING SETS} pass yields every dimension of
 * {@code usage_hourly}. Each upsert reads an aggregate with one row per key, because {@code ON CONFLICT DO
 * UPDATE} cannot touch the same row twice in one statement, and in primary-key order, so replicas upserting
 * overlapping keys at once lock them in the same order and wait rather than deadlock. The expressions are V031's
 * backfill expressions.
 */
public final class PostgresUsageRollup {
  /** Whole milliseconds crossed from started_at to first_token_at, as DuckDB's date_diff('millisecond', ...) counts them. */
  static final String TTFT_MILLIS = "(div((extract(epoch FROM first_token_at) * 1000000)::bigint, 1000)"
      + " - div((extract(epoch FROM started_at) * 1000000)::bigint, 1000))";

  /** The seventeen measures of a group of ledger rows, in DuckDbUsageRollup.MEASURE_COLUMNS order. */
  private static final String AGGREGATES = "count(*) FILTER (WHERE attempt <= 1), count(*), count(*) FILTER (WHERE status >= 400), "
      + "count(*) FILTER (WHERE " + hasFlag(UsageFlag.FALLBACK_USED) + "), count(*) FILTER (WHERE " + hasFlag(UsageFlag.CACHE_HIT) + "), "
      + "sum(cost_nanos)::BIGINT, sum(saved_nanos)::BIGINT, sum(input_tokens)::BIGINT, sum(cache_read_tokens)::BIGINT, "
      + "sum(cache_write_5m_tokens)::BIGINT, sum(cache_write_1h_tokens)::BIGINT, sum(audio_input_tokens)::BIGINT, "
      + "sum(image_input_tokens)::BIGINT, sum(output_tokens)::BIGINT, sum(reasoning_tokens)::BIGINT, "
      + "sum(audio_output_tokens)::BIGINT, sum(latency_ms)::BIGINT";

  /** GROUPING() of the eight breakdown columns: 255 none grouped, 127 the first, 191 the second, ... 254 the last. */
  private static final String DIMENSION_OF_GROUPING = "CASE gid WHEN 255 THEN '' WHEN 127 THEN 'model'"
      + " WHEN 191 THEN 'model_requested' WHEN 223 THEN 'provider' WHEN 239 THEN 'key' WHEN 247 THEN 'status'"
      + " WHEN 251 THEN 'deployment' WHEN 253 THEN 'endpoint' ELSE 'tags' END";
  private static final String VALUE_OF_GROUPING = "coalesce(CASE gid WHEN 127 THEN model_served WHEN 191 THEN model_requested"
      + " WHEN 223 THEN provider WHEN 239 THEN key_id WHEN 247 THEN CAST(status AS VARCHAR) WHEN 251 THEN deployment"
      + " WHEN 253 THEN endpoint WHEN 254 THEN tag_list END, '')";
  private static final String BREAKDOWN = "model_served, model_requested, provider, key_id, status, deployment, endpoint, tag_list";

  /** The rows the latency report reads: not an error, not a response-cache hit. */
  private static final String LATENCY_ROWS = "status < 400 AND NOT (" + hasFlag(UsageFlag.CACHE_HIT) + ")";

  static final String INSERT = "WITH ins AS (INSERT INTO usage (" + JdbcUsageReads.COLUMNS + ") SELECT DISTINCT ON"
      + " (request_id, attempt) " + JdbcUsageReads.COLUMNS + " FROM usage_stage ORDER BY request_id, attempt"
      + " ON CONFLICT (request_id, attempt) DO NOTHING RETURNING *), "
      // the inserted rows with their UTC hour and '' for a missing org or project (rollup keys cannot be NULL)
      + "r AS (SELECT date_trunc('hour', started_at, 'UTC') AS hour, coalesce(org_id, '') AS org,"
      + " coalesce(project_id, '') AS project, tags::text AS tag_list, ins.* FROM ins), "
      + "hourly AS (INSERT INTO usage_hourly (hour, dim, value, org_id, project_id, " + DuckDbUsageRollup.MEASURE_COLUMNS + ")"
      + " SELECT hour, " + DIMENSION_OF_GROUPING + ", " + VALUE_OF_GROUPING + ", org, project, " + DuckDbUsageRollup.MEASURE_COLUMNS
      + " FROM (SELECT hour, org, project, " + BREAKDOWN + ", GROUPING(" + BREAKDOWN + ") AS gid, " + named(AGGREGATES)
      + " FROM r GROUP BY hour, org, project, GROUPING SETS ((), (model_served), (model_requested), (provider), (key_id),"
      + " (status), (deployment), (endpoint), (tag_list))) g ORDER BY 2, 1, 4, 5, 3"
      + " ON CONFLICT (dim, hour, org_id, project_id, value) DO UPDATE SET " + addExcluded("usage_hourly") + "), "
      + "users AS (INSERT INTO usage_user_daily (day, dim, value, org_id, project_id, " + DuckDbUsageRollup.MEASURE_COLUMNS + ")"
      + " SELECT date_trunc('day', hour, 'UTC'), 'user', coalesce(user_id, ''), org, project, " + AGGREGATES
      + " FROM r GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 4, 5, 3"
      + " ON CONFLICT (day, org_id, project_id, dim, value) DO UPDATE SET " + addExcluded("usage_user_daily") + "), "
      + "bins AS (SELECT hour, org, project, model_served AS model, kind, bin, count(*) AS n FROM ("
      + "SELECT hour, org, project, model_served, 0 AS kind, " + LogHistogram.binSql("latency_ms") + " AS bin FROM r WHERE "
      + LATENCY_ROWS + " UNION ALL SELECT hour, org, project, model_served, 1, " + LogHistogram.binSql(TTFT_MILLIS)
      + " FROM r WHERE " + LATENCY_ROWS + " AND first_token_at IS NOT NULL) b GROUP BY 1, 2, 3, 4, 5, 6), "
      + "latency_hourly AS (INSERT INTO usage_latency_hourly (hour, org_id, project_id, model, kind, bin, n)"
      + " SELECT * FROM bins ORDER BY 1, 2, 3, 4, 5, 6 ON CONFLICT (hour, org_id, project_id, model, kind, bin)"
      + " DO UPDATE SET n = usage_latency_hourly.n + excluded.n), "
      + "latency_daily AS (INSERT INTO usage_latency_daily (day, org_id, project_id, model, kind, bin, n)"
      + " SELECT date_trunc('day', hour, 'UTC'), org, project, model, kind, bin, sum(n)::BIGINT FROM bins GROUP BY 1, 2, 3, 4, 5, 6"
      + " ORDER BY 1, 2, 3, 4, 5, 6 ON CONFLICT (day, org_id, project_id, model, kind, bin) DO UPDATE SET n = usage_latency_daily.n + excluded.n) "
      + "SELECT count(*) FROM ins";

  private PostgresUsageRollup() {}

  /**
   * Recomputes the rollups from the whole ledger, in one transaction: drops the four tables and runs V031–V033
   * again, exactly what the migration runs on an existing ledger (create, backfill, then build the keys). For a
   * ledger loaded around the store, such as the benchmark's.
   */
  public static void rebuild(PostgresDatabase db) {
    try (Connection c = db.connection(); Statement st = c.createStatement()) {
      Jdbc.inTransaction(c, () -> {
        st.execute("DROP TABLE " + String.join(", ", DuckDbUsageRollup.REBUILT));
        for (Migrations.Script script : Migrations.forPostgres().scripts()) {
          if (script.version() >= 31 && script.version() <= 33) {
            for (String stmt : Migrations.statements(script.sql())) {
              st.execute(stmt);
            }
          }
        }
        return null;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot rebuild the usage rollups: " + e.getMessage(), e);
    }
  }

  /** A condition true when the comma-separated {@code flags} hold {@code flag} (no flag name contains another). */
  static String hasFlag(UsageFlag flag) {
    return "strpos(flags, '" + flag.name() + "') > 0";
  }

  /** The aggregates, each named after its measure column. */
  private static String named(String aggregates) {
    String[] exprs = aggregates.split(", (?=count|sum)");
    String[] names = DuckDbUsageRollup.MEASURE_COLUMNS.split(", ");
    if (exprs.length != names.length) {
      throw new IllegalStateException(exprs.length + " aggregates for " + names.length + " measures");
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      b.append(i == 0 ? "" : ", ").append(exprs[i]).append(" AS ").append(names[i]);
    }
    return b.toString();
  }

  /** {@code m = table.m + excluded.m} for every measure. */
  private static String addExcluded(String table) {
    StringBuilder b = new StringBuilder();
    for (String m : DuckDbUsageRollup.MEASURE_COLUMNS.split(", ")) {
      b.append(b.isEmpty() ? "" : ", ").append(m).append(" = ").append(table).append('.').append(m).append(" + excluded.").append(m);
    }
    return b.toString();
  }
}
