package dev.tollgate.bench;

import dev.tollgate.storage.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Random;

/**
 * Writes a realistic usage ledger into a real DuckDB file with the production schema (the migrations run
 * through {@link Database#open}): N rows over D days, generated inside DuckDB with {@code range()} one day
 * per statement, so 10M rows take a minute or two. Not a test; run it through {@code bench/generate-ledger.sh}.
 *
 * <p>What the data looks like: weekday volume ~2.3x weekend, a +0.6 %/day trend and ±6 % daily noise; a
 * diurnal peak around 14:00 UTC; 800 keys in 100 projects in 13 orgs, heavily skewed (pow(u, 2.5): the
 * biggest org has ~40 % of the traffic); 20 models from 8 providers with their list prices and weights;
 * lognormal input (median ~800) and output (median ~250) tokens; prompt-cache reads on a quarter of the
 * OpenAI/Anthropic rows; reasoning tokens on reasoning models; 3 % response-cache hits (cost 0, savings
 * recorded); 4 % errors, of which 429 and 500 are retried (a second attempt row, numbered 2 like the gateway does, half of them on a fallback
 * flagged {@code FALLBACK_USED}); 70 % of rows carry an end user; six tag combinations. Deterministic for a
 * given seed (DuckDB's {@code setseed}) up to DuckDB's parallel evaluation order.
 *
 * <p>Arguments: {@code file rows [days=75] [end-date=today UTC] [seed=42] [rollups=true]}; {@code rollups=false}
 * leaves DuckDB's rollup tables empty, for a ledger that is only exported (the PostgreSQL benchmark builds its own).
 */
public final class GenerateLedger {
  /** provider, model, USD per million input, USD per million output, weight. */
  private static final Object[][] MODELS = {
      {"openai", "gpt-4o", "2.50", "10.00", 8},
      {"openai", "gpt-4o-mini", "0.15", "0.60", 25},
      {"openai", "gpt-4.1", "2.00", "8.00", 6},
      {"openai", "gpt-4.1-mini", "0.40", "1.60", 10},
      {"openai", "gpt-4.1-nano", "0.10", "0.40", 5},
      {"openai", "o3", "2.00", "8.00", 3},
      {"openai", "o4-mini", "1.10", "4.40", 4},
      {"openai", "text-embedding-3-small", "0.02", "0", 10},
      {"anthropic", "claude-sonnet-4-5", "3.00", "15.00", 10},
      {"anthropic", "claude-haiku-4-5", "1.00", "5.00", 6},
      {"anthropic", "claude-opus-4-1", "15.00", "75.00", 1},
      {"gemini", "gemini-2.5-pro", "1.25", "10.00", 3},
      {"gemini", "gemini-2.5-flash", "0.30", "2.50", 6},
      {"gemini", "gemini-2.0-flash", "0.10", "0.40", 3},
      {"groq", "llama-3.3-70b-versatile", "0.59", "0.79", 2},
      {"mistral", "mistral-large-latest", "2.00", "6.00", 1},
      {"deepseek", "deepseek-chat", "0.27", "1.10", 2},
      {"together", "meta-llama/Llama-3.1-8B-Instruct-Turbo", "0.18", "0.18", 1},
      {"azure", "gpt-4o-eu", "2.50", "10.00", 2},
      {"openrouter", "qwen/qwen3-coder", "0.40", "1.60", 1},
  };
  private static final String[] TAGS = {
      "[]", "[\"team:search\",\"env:prod\"]", "[\"team:search\",\"env:staging\"]", "[\"team:support\",\"env:prod\"]",
      "[\"team:growth\",\"env:prod\",\"feature:summarise\"]", "[\"batch\"]"};

  private GenerateLedger() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: GenerateLedger file rows [days=75] [end-date=today] [seed=42]");
      System.exit(2);
    }
    Path file = Path.of(args[0]).toAbsolutePath();
    long rows = Long.parseLong(args[1].replace("_", ""));
    int days = args.length > 2 ? Integer.parseInt(args[2]) : 75;
    LocalDate end = args.length > 3 ? LocalDate.parse(args[3]) : LocalDate.now(ZoneOffset.UTC);
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 42;
    boolean rollups = args.length <= 5 || Boolean.parseBoolean(args[5]);
    Files.deleteIfExists(file);
    Files.deleteIfExists(Path.of(file + ".wal"));
    long[] perDay = dailyCounts(rows, days, end, new Random(seed));
    long t0 = System.nanoTime();
    try (Database db = Database.open("jdbc:duckdb:" + file); Connection c = db.connection(); Statement st = c.createStatement()) {
      st.execute("SELECT setseed(" + (seed % 1000) / 1000.0 + ")");
      st.execute("CREATE TEMP TABLE gen_models AS SELECT * FROM (VALUES " + modelValues() + ") t(idx, provider, model, in_n, out_n)");
      st.execute("CREATE TEMP TABLE gen_pick AS SELECT * FROM (VALUES " + pickValues() + ") t(slot, idx)");
      long written = 0;
      for (int d = 0; d < days; d++) {
        LocalDate day = end.minusDays(days - 1 - d);
        st.execute(daySql(day, d, perDay[d]));
        written += perDay[d];
        if (d % 10 == 9 || d == days - 1) {
          System.out.printf(Locale.ROOT, "%s: %,d primary rows in %.1f s%n", day, written, (System.nanoTime() - t0) / 1e9);
        }
      }
      if (rollups) {
        long r0 = System.nanoTime();
        dev.tollgate.storage.DuckDbUsageRollup.rebuild(db); // the hourly rollups, as V031's backfill builds them
        System.out.printf(Locale.ROOT, "rollups rebuilt in %.1f s%n", (System.nanoTime() - r0) / 1e9);
      }
      st.execute("CHECKPOINT");
      try (var rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE attempt = 1), sum(cost_nanos) FROM usage")) {
        rs.next();
        System.out.printf(Locale.ROOT, "%s: %,d rows (%,d requests), total cost %s USD, %,d bytes, %.1f s%n", file,
            rs.getLong(1), rs.getLong(2), dev.tollgate.common.Money.usd(rs.getLong(3)), Files.size(file),
            (System.nanoTime() - t0) / 1e9);
      }
    }
  }

  /** Weekday seasonality, a trend and some noise, scaled so the days add up to {@code rows}. */
  static long[] dailyCounts(long rows, int days, LocalDate end, Random random) {
    double[] w = new double[days];
    double sum = 0;
    for (int d = 0; d < days; d++) {
      DayOfWeek dow = end.minusDays(days - 1 - d).getDayOfWeek();
      double season = dow == DayOfWeek.SATURDAY ? 0.45 : dow == DayOfWeek.SUNDAY ? 0.40 : 1.0;
      w[d] = season * (1 + 0.006 * d) * (1 + 0.06 * random.nextGaussian());
      sum += w[d];
    }
    long[] out = new long[days];
    long left = rows;
    for (int d = 0; d < days; d++) {
      out[d] = d == days - 1 ? left : Math.round(rows * w[d] / sum);
      left -= out[d];
    }
    return out;
  }

  private static String modelValues() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < MODELS.length; i++) {
      Object[] m = MODELS[i];
      // nano-USD per token = USD per million x 1000
      long in = new java.math.BigDecimal((String) m[2]).movePointRight(3).longValueExact();
      long out = new java.math.BigDecimal((String) m[3]).movePointRight(3).longValueExact();
      b.append(i == 0 ? "" : ",").append("(").append(i).append(",'").append(m[0]).append("','").append(m[1]).append("',")
          .append(in).append(',').append(out).append(')');
    }
    return b.toString();
  }

  /** 1000 slots, each naming a model, in proportion to the weights. */
  private static String pickValues() {
    int total = 0;
    for (Object[] m : MODELS) {
      total += (Integer) m[4];
    }
    StringBuilder b = new StringBuilder();
    int slot = 0;
    for (int i = 0; i < MODELS.length; i++) {
      int n = i == MODELS.length - 1 ? 1000 - slot : Math.round(1000f * (Integer) MODELS[i][4] / total);
      for (int k = 0; k < n; k++, slot++) {
        b.append(slot == 0 ? "" : ",").append('(').append(slot).append(',').append(i).append(')');
      }
    }
    return b.toString();
  }

  private static String tagsCase() {
    StringBuilder b = new StringBuilder("CASE floor(u9 * 10)::INT ");
    int[] map = {0, 1, 1, 1, 2, 3, 3, 4, 4, 5};
    for (int i = 0; i < map.length; i++) {
      b.append("WHEN ").append(i).append(" THEN '").append(TAGS[map[i]]).append("' ");
    }
    return b.append("END").toString();
  }

  private static String daySql(LocalDate day, int d, long n) {
    String dayStart = day + " 00:00:00";
    return """
        INSERT INTO usage
        WITH b AS MATERIALIZED (
          SELECT i, random() u1, random() u2, random() u3, random() u4, random() u5, random() u6, random() u7,
                 random() u8, random() u9, random() u10, random() u11, random() u12
          FROM range(%d) t(i)),
        r AS (
          SELECT b.*, m.provider, m.model, m.in_n, m.out_n,
            floor(pow(u5, 2.5) * 800)::INT AS k,
            -- diurnal: a normal around 14:00 UTC, sd 4.5 h, wrapped into the day
            TIMESTAMP '%s' + to_microseconds(((((14 * 3600 + 16200 * sqrt(-2 * ln(greatest(u10, 1e-12))) * cos(2 * pi() * u11))::BIGINT %% 86400) + 86400) %% 86400) * 1000000 + floor(u12 * 1000000)::BIGINT) AS ts,
            greatest(1, exp(ln(800) + 1.1 * sqrt(-2 * ln(greatest(u1, 1e-12))) * cos(2 * pi() * u2)))::BIGINT AS in_tok,
            greatest(1, exp(ln(250) + 0.9 * sqrt(-2 * ln(greatest(u3, 1e-12))) * cos(2 * pi() * u4)))::BIGINT AS out_tok,
            CASE WHEN u7 < 0.96 THEN 200 WHEN u7 < 0.972 THEN 429 WHEN u7 < 0.982 THEN 500 WHEN u7 < 0.992 THEN 400 ELSE 499 END AS s0,
            u8 < 0.03 AS cache_hit
          FROM b JOIN gen_pick p ON p.slot = floor(b.u6 * 1000)::INT JOIN gen_models m ON m.idx = p.idx),
        x AS (
          SELECT r.*, unnest(CASE WHEN s0 IN (429, 500) THEN [1, 2] ELSE [1] END) AS attempt FROM r),
        y AS (
          SELECT x.*,
            CASE WHEN attempt = 2 THEN 200 ELSE s0 END AS status,
            (attempt = 2 AND u9 < 0.5) AS fallback,
            model LIKE 'text-embedding%%' AS embed,
            (provider IN ('openai', 'anthropic', 'azure') AND u12 < 0.25 AND model NOT LIKE 'text-embedding%%') AS cached_prompt
          FROM x),
        z AS (
          SELECT y.*,
            CASE WHEN status >= 400 AND status <> 499 THEN 0 WHEN cached_prompt THEN in_tok / 2 ELSE in_tok END AS input_tokens,
            CASE WHEN status >= 400 AND status <> 499 THEN 0 WHEN cached_prompt THEN in_tok - in_tok / 2 ELSE 0 END AS cache_read_tokens,
            CASE WHEN provider = 'anthropic' AND status = 200 AND u11 < 0.08 THEN in_tok / 4 ELSE 0 END AS cache_write_5m_tokens,
            CASE WHEN status >= 400 OR embed THEN 0 ELSE out_tok END AS output_tokens,
            CASE WHEN status < 400 AND model IN ('o3', 'o4-mini') THEN out_tok * 6 / 10 ELSE 0 END AS reasoning_tokens,
            (u10 < 0.55 AND NOT embed) AS stream,
            -- latency: lognormal, slower for big models, fast on a cache hit
            CASE WHEN cache_hit AND status = 200 THEN 3 + floor(u4 * 10)::BIGINT
                 ELSE greatest(50, exp(ln(CASE WHEN out_n >= 10000 THEN 2200 WHEN out_n >= 4000 THEN 1400 ELSE 700 END) + 0.5 * sqrt(-2 * ln(greatest(u2, 1e-12))) * sin(2 * pi() * u3)))::BIGINT END AS latency_ms
          FROM y),
        c AS (
          SELECT z.*,
            input_tokens * in_n + cache_read_tokens * in_n / 10 + cache_write_5m_tokens * in_n * 5 / 4 + output_tokens * out_n AS list_cost
          FROM z)
        SELECT
          'gen-%d-' || i AS request_id,
          attempt,
          ts + to_milliseconds((attempt - 1) * 1500) AS started_at,
          CASE WHEN stream AND status < 400 THEN ts + to_milliseconds((attempt - 1) * 1500 + latency_ms * (0.15 + 0.2 * u1)) END AS first_token_at,
          ts + to_milliseconds((attempt - 1) * 1500 + latency_ms) AS ended_at,
          'key_' || lpad(k::VARCHAR, 4, '0') AS key_id,
          CASE WHEN u8 < 0.7 THEN 'user-' || floor(pow(u9, 2) * 5000)::INT END AS user_id,
          %s AS tags,
          CASE WHEN fallback THEN 'anthropic' ELSE provider END AS provider,
          model AS model_requested,
          CASE WHEN fallback THEN 'claude-haiku-4-5' ELSE model END AS model_served,
          CASE WHEN embed THEN 'embeddings' WHEN provider = 'anthropic' AND u12 < 0.5 THEN 'messages' ELSE 'chat' END AS endpoint,
          stream,
          input_tokens, cache_read_tokens, cache_write_5m_tokens, 0 AS cache_write_1h_tokens, 0 AS audio_input_tokens,
          0 AS image_input_tokens, output_tokens, reasoning_tokens, 0 AS audio_output_tokens,
          CASE WHEN cache_hit AND status = 200 THEN 0 ELSE list_cost END AS cost_nanos,
          status,
          CASE status WHEN 429 THEN 'rate_limited' WHEN 500 THEN 'upstream_error' WHEN 400 THEN 'invalid_request' WHEN 499 THEN 'client_closed' END AS error_class,
          concat_ws(',',
            CASE WHEN cache_hit AND status = 200 THEN 'CACHE_HIT' END,
            CASE WHEN status = 499 THEN 'CLIENT_CLOSED' END,
            CASE WHEN status = 499 THEN 'ESTIMATED' END,
            CASE WHEN fallback THEN 'FALLBACK_USED' END) AS flags,
          latency_ms,
          'litellm-2026-07-24:' || model AS price_version,
          '{"input":"' || (input_tokens * in_n / 1e9)::DECIMAL(18, 9) || '","output":"' || (output_tokens * out_n / 1e9)::DECIMAL(18, 9) || '"}' AS cost_breakdown,
          'org_' || lpad((k // 8 // 8)::VARCHAR, 2, '0') AS org_id,
          'proj_' || lpad((k // 8)::VARCHAR, 3, '0') AS project_id,
          CASE WHEN provider = 'azure' THEN 'azure-westeurope' WHEN fallback THEN 'anthropic-fallback' END AS deployment,
          CASE WHEN cache_hit AND status = 200 THEN list_cost ELSE 0 END AS saved_nanos
        FROM c
        ORDER BY started_at
        """.formatted(n, dayStart, d, tagsCase());
  }
}
