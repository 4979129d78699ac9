package dev.tollgate.storage;

import dev.tollgate.analytics.AnalyticsStore;
import dev.tollgate.analytics.Dimension;
import dev.tollgate.analytics.Group;
import dev.tollgate.analytics.LogHistogram;
import dev.tollgate.analytics.ModelLatency;
import dev.tollgate.analytics.Slice;
import dev.tollgate.analytics.SlotRow;
import dev.tollgate.analytics.Totals;
import dev.tollgate.usage.TokenUsage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link AnalyticsStore} on PostgreSQL ({@link DuckDbAnalyticsStore} is the DuckDB twin): the same aggregates
 * over the raw {@code usage} table, so every answer is identical to DuckDB's (requests are {@code attempt <= 1},
 * fallbacks and cache hits come from the flags, latency percentiles from the same log histograms, none of
 * which the hourly and daily rollups carry). The ledger's indexes lead with the slice's filters and
 * {@code started_at}; a tag filter uses the GIN index on {@code tags}. Answering the coarse reads from the
 * rollups is the next step (see docs/deploy-cluster.md).
 */
public final class PostgresAnalyticsStore implements AnalyticsStore {
  private static final String TOTALS = """
      count(*) FILTER (WHERE attempt <= 1),
      count(*),
      count(*) FILTER (WHERE status >= 400),
      count(*) FILTER (WHERE strpos(flags, 'FALLBACK_USED') > 0),
      count(*) FILTER (WHERE strpos(flags, 'CACHE_HIT') > 0),
      coalesce(sum(cost_nanos), 0)::BIGINT,
      coalesce(sum(saved_nanos), 0)::BIGINT,
      coalesce(sum(input_tokens), 0)::BIGINT,
      coalesce(sum(cache_read_tokens), 0)::BIGINT,
      coalesce(sum(cache_write_5m_tokens), 0)::BIGINT,
      coalesce(sum(cache_write_1h_tokens), 0)::BIGINT,
      coalesce(sum(audio_input_tokens), 0)::BIGINT,
      coalesce(sum(image_input_tokens), 0)::BIGINT,
      coalesce(sum(output_tokens), 0)::BIGINT,
      coalesce(sum(reasoning_tokens), 0)::BIGINT,
      coalesce(sum(audio_output_tokens), 0)::BIGINT,
      coalesce(sum(latency_ms), 0)::BIGINT""";
  private static final int TOTALS_COLUMNS = 17;

  private final PostgresDatabase db;

  public PostgresAnalyticsStore(PostgresDatabase db) {
    this.db = db;
  }

  private static String column(Dimension d) {
    return d == Dimension.TAG ? "tags::text" : DuckDbAnalyticsStore.column(d); // jsonb text is a JSON array too
  }

  @Override
  public Totals totals(Slice slice) {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT " + TOTALS + " FROM usage WHERE " + where(slice, args);
    return query(sql, args, rs -> {
      rs.next();
      return totals(rs, 1);
    });
  }

  @Override
  public Spend spend(Slice slice) {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT coalesce(sum(cost_nanos), 0)::BIGINT, count(*) FILTER (WHERE attempt <= 1) FROM usage WHERE " + where(slice, args);
    return query(sql, args, rs -> {
      rs.next();
      return new Spend(rs.getLong(1), rs.getLong(2));
    });
  }

  @Override
  public List<Group> breakdown(Slice slice, Dimension by) {
    List<Object> args = new ArrayList<>();
    String col = column(by);
    String sql = "SELECT " + col + " AS g, " + TOTALS + " FROM usage WHERE " + where(slice, args) + " GROUP BY 1";
    Map<String, Totals> groups = query(sql, args, rs -> {
      Map<String, Totals> out = new LinkedHashMap<>();
      while (rs.next()) {
        Totals t = totals(rs, 2);
        for (String key : keys(by, rs.getString(1))) {
          out.merge(key, t, Totals::plus);
        }
      }
      return out;
    });
    List<Group> out = new ArrayList<>(groups.size());
    groups.forEach((k, t) -> out.add(new Group(k, t)));
    return out;
  }

  @Override
  public List<SlotRow> series(Slice slice, Duration slot, Optional<Dimension> by) {
    long slotMicros = slot.toNanos() / 1000;
    if (slotMicros <= 0 || Duration.ofDays(1).toNanos() / 1000 % slotMicros != 0) {
      throw new IllegalArgumentException("slot: " + slot + " (expected: a divisor of a day)");
    }
    List<Object> args = new ArrayList<>();
    String group = by.map(PostgresAnalyticsStore::column).orElse("''");
    // microseconds since the epoch, exactly (extract(epoch) is numeric), divided into whole slots
    String sql = "SELECT div((extract(epoch FROM started_at) * 1000000)::bigint, " + slotMicros + ") AS s, " + group + " AS g,"
        + " coalesce(sum(cost_nanos), 0)::BIGINT, count(*) FILTER (WHERE attempt <= 1), count(*) FILTER (WHERE status >= 400),"
        + " coalesce(sum(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + audio_input_tokens"
        + " + image_input_tokens), 0)::BIGINT, coalesce(sum(output_tokens + audio_output_tokens), 0)::BIGINT"
        + " FROM usage WHERE " + where(slice, args) + " GROUP BY 1, 2";
    Dimension dim = by.orElse(null);
    return query(sql, args, rs -> {
      List<SlotRow> out = new ArrayList<>();
      while (rs.next()) {
        Instant s = Jdbc.fromMicros(rs.getLong(1) * slotMicros);
        for (String key : dim == null ? List.of("") : keys(dim, rs.getString(2))) {
          out.add(new SlotRow(s, key, rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)));
        }
      }
      return out;
    });
  }

  @Override
  public List<ModelLatency> latency(Slice slice) {
    List<Object> args = new ArrayList<>();
    // whole milliseconds crossed between the two instants, as DuckDB's date_diff('millisecond', ...) counts them
    String ttft = "(div((extract(epoch FROM first_token_at) * 1000000)::bigint, 1000) - div((extract(epoch FROM started_at) * 1000000)::bigint, 1000))";
    String filter = where(slice, args) + " AND status < 400 AND strpos(flags, 'CACHE_HIT') = 0";
    List<Object> twice = new ArrayList<>(args);
    twice.addAll(args);
    // one integer GROUP BY per measure: percentiles come from log-scale histograms (LogHistogram)
    String sql = "SELECT model_served, 0 AS kind, " + LogHistogram.binSql("latency_ms") + " AS b, count(*) FROM usage WHERE "
        + filter + " GROUP BY 1, 2, 3 UNION ALL SELECT model_served, 1, " + LogHistogram.binSql(ttft) + ", count(*) FROM usage WHERE "
        + filter + " AND first_token_at IS NOT NULL GROUP BY 1, 2, 3";
    Map<String, LogHistogram[]> byModel = query(sql, twice, rs -> {
      Map<String, LogHistogram[]> out = new java.util.TreeMap<>();
      while (rs.next()) {
        LogHistogram[] h = out.computeIfAbsent(rs.getString(1), m -> new LogHistogram[] {new LogHistogram(), new LogHistogram()});
        h[rs.getInt(2)].add(rs.getInt(3), rs.getLong(4));
      }
      return out;
    });
    List<ModelLatency> out = new ArrayList<>(byModel.size());
    byModel.forEach((model, h) -> out.add(new ModelLatency(model, h[0].count(), h[0].percentiles(), h[1].count(),
        h[1].count() == 0 ? Optional.empty() : Optional.of(h[1].percentiles()))));
    return out;
  }

  @Override
  public List<WindowSpend> spendByWindow(Dimension by, List<Instant> windowStarts, Duration length) {
    if (windowStarts.isEmpty()) {
      return List.of();
    }
    String value = switch (by) {
      case PROJECT -> "project_id";
      case KEY -> "key_id";
      case MODEL -> "model_served";
      default -> throw new IllegalArgumentException("spend by window: " + by + " (expected: project, key or model)");
    };
    String org = by == Dimension.MODEL ? "NULL" : "min(org_id)"; // one key or project has one owner: min is any value
    String project = by == Dimension.MODEL ? "NULL" : "min(project_id)";
    List<Object> args = new ArrayList<>();
    StringBuilder window = new StringBuilder("CASE");
    StringBuilder where = new StringBuilder();
    for (int i = 0; i < windowStarts.size(); i++) {
      window.append(" WHEN started_at >= ? AND started_at < ? THEN ").append(i);
      where.append(i == 0 ? "" : " OR ").append("(started_at >= ? AND started_at < ?)");
    }
    window.append(" END");
    for (Instant s : windowStarts) {
      args.add(s);
      args.add(s.plus(length));
    }
    for (Instant s : windowStarts) {
      args.add(s);
      args.add(s.plus(length));
    }
    String sql = "SELECT " + window + " AS w, " + value + " AS v, " + org + ", " + project + ", sum(cost_nanos)::BIGINT"
        + " FROM usage WHERE (" + where + ") AND " + value + " IS NOT NULL GROUP BY 1, 2";
    return query(sql, args, rs -> {
      List<WindowSpend> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new WindowSpend(rs.getInt(1), rs.getString(2), Optional.ofNullable(rs.getString(3)),
            Optional.ofNullable(rs.getString(4)), rs.getLong(5)));
      }
      return out;
    });
  }

  private static List<String> keys(Dimension by, String raw) {
    if (by == Dimension.TAG) {
      List<String> tags = raw == null ? List.of() : Jdbc.parseJsonList(raw);
      return tags.isEmpty() ? List.of(Group.NONE) : tags;
    }
    return List.of(raw == null ? Group.NONE : raw);
  }

  private static Totals totals(ResultSet rs, int first) throws SQLException {
    long[] v = new long[TOTALS_COLUMNS];
    for (int i = 0; i < TOTALS_COLUMNS; i++) {
      v[i] = rs.getLong(first + i);
    }
    return new Totals(v[0], v[1], v[2], v[3], v[4], v[5], v[6],
        new TokenUsage(v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]), v[16]);
  }

  /** The slice as a WHERE clause; parameters are appended to {@code args} in order. */
  private static String where(Slice s, List<Object> args) {
    StringBuilder sql = new StringBuilder("started_at >= ? AND started_at < ?");
    args.add(s.from());
    args.add(s.to());
    s.orgId().ifPresent(v -> { sql.append(" AND org_id = ?"); args.add(v); });
    s.projectId().ifPresent(v -> { sql.append(" AND project_id = ?"); args.add(v); });
    s.keyId().ifPresent(v -> { sql.append(" AND key_id = ?"); args.add(v); });
    s.model().ifPresent(v -> { sql.append(" AND (model_served = ? OR model_requested = ?)"); args.add(v); args.add(v); });
    s.provider().ifPresent(v -> { sql.append(" AND provider = ?"); args.add(v); });
    s.userId().ifPresent(v -> { sql.append(" AND user_id = ?"); args.add(v); });
    // an exact element of the jsonb array, through the GIN index
    s.tag().ifPresent(v -> {
      sql.append(" AND tags @> jsonb_build_array(CAST(? AS text))");
      args.add(v);
    });
    return sql.toString();
  }

  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T query(String sql, List<Object> args, Reader<T> reader) {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        Object arg = args.get(i);
        if (arg instanceof Instant t) {
          PostgresDatabase.setInstant(ps, i + 1, t);
        } else {
          ps.setObject(i + 1, arg);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        return reader.read(rs);
      }
    } catch (SQLException e) {
      throw new StoreException("analytics query failed: " + e.getMessage(), e);
    }
  }
}
