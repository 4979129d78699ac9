package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.RequiresPostgres;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageRecord;
import dev.tollgate.usage.UsageStore;
import dev.tollgate.usage.UsageStoreContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The usage-store contract on a real PostgreSQL (COPY, a fresh schema for this class), plus what only this
 * backend has: the analytics rollups are maintained in the insert's SQL, and must always equal the raw ledger exactly.
 */
@RequiresPostgres
class PostgresUsageStoreTest extends UsageStoreContract {
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

  @BeforeEach
  void empty() {
    pg.truncateAll();
  }

  @Override
  protected UsageStore store() {
    return usage;
  }

  private static UsageRecord priced(String id, int attempt, java.time.Instant at, String org, String key, int status, long cost, long saved) {
    UsageRecord r = record(id, attempt, at);
    return new UsageRecord(r.requestId(), attempt, at, r.firstTokenAt(), r.endedAt(), key, Optional.empty(), List.of("team:a"),
        "openai", "gpt-4o", "gpt-4o", "chat", false, new TokenUsage(100 + attempt, 7, 3, 2, 1, 4, 50, 9, 6), cost, status,
        status >= 400 ? Optional.of("upstream_error") : Optional.empty(), Set.of())
        .withAttribution(Optional.of(org), Optional.empty()).withDeployment(Optional.empty(), saved);
  }

  /**
   * A rollup's measures per (time, org, dimension value) next to the same aggregate computed from the raw table.
   * @param time the rollup's time column, hour or day
   * @param dim the rollup's dim
   * @param raw the raw column that dim groups ('' for the per-project total)
   */
  private static List<List<Long>> compare(String table, String time, String dim, String raw) throws SQLException {
    String measures = "sum(requests), sum(attempts), sum(errors), sum(fallbacks), sum(cache_hits), sum(cost_nanos), "
        + "sum(saved_nanos), sum(input_tokens), sum(cache_read_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), "
        + "sum(audio_input_tokens), sum(image_input_tokens), sum(output_tokens), sum(reasoning_tokens), "
        + "sum(audio_output_tokens), sum(latency_ms)";
    String fromRaw = "count(*) FILTER (WHERE attempt <= 1), count(*), count(*) FILTER (WHERE status >= 400), "
        + "count(*) FILTER (WHERE flags LIKE '%FALLBACK_USED%'), count(*) FILTER (WHERE flags LIKE '%CACHE_HIT%'), sum(cost_nanos), "
        + "sum(saved_nanos), sum(input_tokens), sum(cache_read_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), "
        + "sum(audio_input_tokens), sum(image_input_tokens), sum(output_tokens), sum(reasoning_tokens), "
        + "sum(audio_output_tokens), sum(latency_ms)";
    List<List<Long>> rollup = rows("SELECT " + measures + " FROM " + table + " WHERE dim = '" + dim + "' GROUP BY " + time
        + ", org_id, value ORDER BY " + time + ", org_id, value");
    String group = "date_trunc('" + time + "', started_at, 'UTC'), coalesce(org_id, ''), coalesce(" + raw + "::text, '')";
    List<List<Long>> expected = rows("SELECT " + fromRaw + " FROM usage GROUP BY " + group + " ORDER BY " + group);
    assertThat(rollup).as(table + " by " + dim + " vs the raw ledger").isEqualTo(expected);
    return rollup;
  }

  private static List<List<Long>> rows(String sql) throws SQLException {
    List<List<Long>> out = new ArrayList<>();
    try (Connection c = pg.db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        List<Long> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(rs.getLong(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void rollups_afterBatchesAndReplays_equalTheRawLedgerExactly() throws SQLException {
    List<UsageRecord> first = new ArrayList<>();
    List<UsageRecord> second = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      java.time.Instant at = T0.plusSeconds(i * 97L); // spans about eight hours, so several hourly buckets and two orgs
      UsageRecord r = priced("roll-" + i, i % 3, at, i % 2 == 0 ? "org_even" : "org_odd", "key_" + (i % 5),
          i % 11 == 0 ? 502 : 200, 1_000_003L * i, i % 7 == 0 ? 42L : 0L);
      (i < 180 ? first : second).add(r);
    }
    usage.append(first);
    // a crash replay: part of the first batch again plus the second batch, twice
    List<UsageRecord> replay = new ArrayList<>(first.subList(100, 180));
    replay.addAll(second);
    assertThat(usage.appendIfAbsent(replay)).isEqualTo(second.size());
    assertThat(usage.appendIfAbsent(replay)).isZero();

    List<List<Long>> hourly = compare("usage_hourly", "hour", "key", "key_id");
    compare("usage_hourly", "hour", "", "''");
    compare("usage_hourly", "hour", "status", "status");
    compare("usage_user_daily", "day", "user", "user_id");
    long rolledAttempts = hourly.stream().mapToLong(r -> r.get(1)).sum();
    long rolledCost = hourly.stream().mapToLong(r -> r.get(5)).sum();
    assertThat(rolledAttempts).isEqualTo(300);
    assertThat(hourly.stream().mapToLong(r -> r.getFirst()).sum()).as("requests: attempts 0 and 1").isEqualTo(200);
    assertThat(rolledCost).isEqualTo(1_000_003L * (299L * 300 / 2));
    assertThat(rows("SELECT count(DISTINCT hour) FROM usage_hourly").getFirst().getFirst()).isGreaterThanOrEqualTo(8);
  }

  @Test
  void rollups_keepEveryDimension() throws SQLException {
    UsageRecord a = priced("dim-a", 0, T0, "org_1", "key_1", 200, 5_000L, 0L);
    UsageRecord b = priced("dim-b", 0, T0.plusSeconds(60), "org_1", "key_1", 429, 0L, 0L);

    usage.append(List.of(a, b));

    assertThat(rows("SELECT value::int, requests, errors, cost_nanos FROM usage_hourly WHERE dim = 'status' AND org_id = 'org_1'"
        + " AND project_id = '' ORDER BY value"))
        .containsExactly(List.of(200L, 1L, 0L, 5_000L), List.of(429L, 1L, 1L, 0L));
    for (String dim : List.of("key:key_1", "provider:openai", "model:gpt-4o", "model_requested:gpt-4o", "endpoint:chat",
        "deployment:", "tags:[\"team:a\"]", ":")) {
      String[] dv = dim.split(":", 2);
      assertThat(rows("SELECT requests, errors, cost_nanos FROM usage_hourly WHERE dim = '" + dv[0] + "' AND value = '"
          + dv[1] + "' AND org_id = 'org_1'")).as(dim).containsExactly(List.of(2L, 1L, 5_000L));
    }
  }

  @Test
  void append_aRowAlreadyStored_isIgnoredNotAFailedBatch() {
    usage.append(List.of(record("once", 0, T0)));

    usage.append(List.of(record("once", 0, T0), record("twice", 0, T0)));

    assertThat(usage.count()).isEqualTo(2);
  }

  @Test
  void copy_escapesTabsNewlinesAndBackslashesInText() {
    UsageRecord r = record("esc", 0, T0);
    UsageRecord odd = new UsageRecord("esc\tid", 0, T0, Optional.empty(), T0, "key\\x", Optional.of("user\nname"),
        List.of("tag\twith\\tab", "quote\"d"), "mock", "m\rodel", "m", "chat", false, r.usage(), 1L, 200, Optional.empty(), Set.of());

    usage.append(List.of(odd));

    assertThat(usage.query(dev.tollgate.usage.UsageQuery.latest(10)).records()).containsExactly(odd);
  }
}
