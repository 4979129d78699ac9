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
 * backend has: the hourly and daily rollups, which must always equal the raw ledger exactly.
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

  /** The rollup's totals per (bucket, org, key, status) next to the same aggregate computed from the raw table. */
  private static List<List<Long>> compare(String table, String unit) throws SQLException {
    String measures = "sum(requests), sum(errors), sum(cost_nanos), sum(saved_nanos), sum(input_tokens), sum(cache_read_tokens), "
        + "sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(audio_input_tokens), sum(image_input_tokens), "
        + "sum(output_tokens), sum(reasoning_tokens), sum(audio_output_tokens), sum(latency_ms_sum)";
    String raw = "count(*), count(*) FILTER (WHERE status >= 400), sum(cost_nanos), sum(saved_nanos), sum(input_tokens), "
        + "sum(cache_read_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(audio_input_tokens), "
        + "sum(image_input_tokens), sum(output_tokens), sum(reasoning_tokens), sum(audio_output_tokens), sum(latency_ms)";
    List<List<Long>> rollup = rows("SELECT " + measures + " FROM " + table + " GROUP BY bucket, org_id, key_id, status ORDER BY bucket, org_id, key_id, status");
    List<List<Long>> fromRaw = rows("SELECT " + raw + " FROM usage GROUP BY date_trunc('" + unit + "', started_at, 'UTC'), "
        + "coalesce(org_id, ''), key_id, status ORDER BY date_trunc('" + unit + "', started_at, 'UTC'), coalesce(org_id, ''), key_id, status");
    assertThat(rollup).as(table + " vs the raw ledger").isEqualTo(fromRaw);
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

    List<List<Long>> hourly = compare("usage_hourly", "hour");
    compare("usage_daily", "day");
    long rolledRequests = hourly.stream().mapToLong(r -> r.getFirst()).sum();
    long rolledCost = hourly.stream().mapToLong(r -> r.get(2)).sum();
    assertThat(rolledRequests).isEqualTo(300);
    assertThat(rolledCost).isEqualTo(1_000_003L * (299L * 300 / 2));
    assertThat(rows("SELECT count(DISTINCT bucket) FROM usage_hourly").getFirst().getFirst()).isGreaterThanOrEqualTo(8);
  }

  @Test
  void rollups_keepTheDimensions_orgProjectKeyModelProviderStatus() throws SQLException {
    UsageRecord a = priced("dim-a", 0, T0, "org_1", "key_1", 200, 5_000L, 0L);
    UsageRecord b = priced("dim-b", 0, T0.plusSeconds(60), "org_1", "key_1", 429, 0L, 0L);

    usage.append(List.of(a, b));

    assertThat(rows("SELECT status, requests, errors, cost_nanos FROM usage_daily WHERE org_id = 'org_1' AND project_id = '' "
        + "AND key_id = 'key_1' AND provider = 'openai' AND model_served = 'gpt-4o' AND endpoint = 'chat' ORDER BY status"))
        .containsExactly(List.of(200L, 1L, 0L, 5_000L), List.of(429L, 1L, 1L, 0L));
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
