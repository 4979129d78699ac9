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
import dev.tollgate.usage.UsageFlag;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Analytics from the rollups of V031–V033 ({@code usage_hourly}, {@code usage_latency_hourly},
 * {@code usage_latency_daily}, {@code usage_user_daily}, kept in the append's transaction by
 * {@link DuckDbUsageRollup} and {@link PostgresUsageRollup}) wherever they give the raw table's exact answer, and
 * from the raw {@code usage} table otherwise: one implementation for DuckDB ({@link DuckDbAnalyticsStore}) and
 * PostgreSQL ({@link PostgresAnalyticsStore}), so the two backends decide alike and answer alike; a subclass
 * supplies only the SQL that differs (flag and tag tests, epoch arithmetic, timestamp binding).
 * A range is split into whole UTC hours (rollup) and the partial hours at either end (raw, an index- or
 * zone-map-pruned scan of under an hour each). The raw table answers alone when the slice filters by key, model,
 * provider, user or tag (the rollup is keyed by org and project only), for series with slots under an hour
 * (minute buckets, zones with :30/:45 offsets) and for anomaly windows that are not whole hours.
 * Tags are a JSON array in one column: a tag breakdown groups by the array text (a handful of distinct
 * combinations) and splits the arrays in Java, instead of unnesting JSON on every row.
 */
abstract class JdbcAnalyticsStore implements AnalyticsStore {
  private static final int TOTALS_COLUMNS = 17;

  /** TOTALS over the rollup's measure columns, in the same order. */
  private static final String ROLLUP_TOTALS =
      "coalesce(sum(requests), 0)::BIGINT, coalesce(sum(attempts), 0)::BIGINT, coalesce(sum(errors), 0)::BIGINT,"
      + " coalesce(sum(fallbacks), 0)::BIGINT, coalesce(sum(cache_hits), 0)::BIGINT, coalesce(sum(cost_nanos), 0)::BIGINT,"
      + " coalesce(sum(saved_nanos), 0)::BIGINT, coalesce(sum(input_tokens), 0)::BIGINT,"
      + " coalesce(sum(cache_read_tokens), 0)::BIGINT, coalesce(sum(cache_write_5m_tokens), 0)::BIGINT,"
      + " coalesce(sum(cache_write_1h_tokens), 0)::BIGINT, coalesce(sum(audio_input_tokens), 0)::BIGINT,"
      + " coalesce(sum(image_input_tokens), 0)::BIGINT, coalesce(sum(output_tokens), 0)::BIGINT,"
      + " coalesce(sum(reasoning_tokens), 0)::BIGINT, coalesce(sum(audio_output_tokens), 0)::BIGINT,"
      + " coalesce(sum(latency_ms), 0)::BIGINT";
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration DAY = Duration.ofDays(1);

  private final Supplier<Connection> connections;
  private final SqlTime time;
  private final boolean rollups;

  /** @param rollups false: every query reads the raw table (what the rollup answers are tested against) */
  JdbcAnalyticsStore(Supplier<Connection> connections, SqlTime time, boolean rollups) {
    this.connections = connections;
    this.time = time;
    this.rollups = rollups;
  }

  /** The seventeen Totals columns over raw rows (TOTALS_COLUMNS, in Totals' order). */
  private String totalsSql() {
    return "count(*) FILTER (WHERE attempt <= 1), count(*), count(*) FILTER (WHERE status >= 400),"
        + " count(*) FILTER (WHERE " + hasFlag(UsageFlag.FALLBACK_USED) + "),"
        + " count(*) FILTER (WHERE " + hasFlag(UsageFlag.CACHE_HIT) + "),"
        + " coalesce(sum(cost_nanos), 0)::BIGINT, coalesce(sum(saved_nanos), 0)::BIGINT, coalesce(sum(input_tokens), 0)::BIGINT,"
        + " coalesce(sum(cache_read_tokens), 0)::BIGINT, coalesce(sum(cache_write_5m_tokens), 0)::BIGINT,"
        + " coalesce(sum(cache_write_1h_tokens), 0)::BIGINT, coalesce(sum(audio_input_tokens), 0)::BIGINT,"
        + " coalesce(sum(image_input_tokens), 0)::BIGINT, coalesce(sum(output_tokens), 0)::BIGINT,"
        + " coalesce(sum(reasoning_tokens), 0)::BIGINT, coalesce(sum(audio_output_tokens), 0)::BIGINT,"
        + " coalesce(sum(latency_ms), 0)::BIGINT";
  }

  /** A condition true when the row's comma-separated {@code flags} hold {@code flag}. */
  abstract String hasFlag(UsageFlag flag);

  /** The {@code tags} column as JSON-array text (what a tag breakdown groups by and splits in Java). */
  abstract String tagList();

  /** A condition true when the row's tags hold exactly {@code tag}; its parameters are appended to {@code args}. */
  abstract String hasTag(String tag, List<Object> args);

  /** A timestamp column as whole microseconds since the epoch (BIGINT). */
  abstract String epochMicros(String column);

  /** {@code micros} (a non-negative BIGINT expression) divided by {@code by}, rounded down, as BIGINT. */
  abstract String divide(String micros, long by);

  /** Whole milliseconds crossed from {@code started_at} to {@code first_token_at} (as the rollups bin them). */
  abstract String ttftMillis();

  /** An aggregate returning one of a group's values (every row of the group holds the same). */
  abstract String anyValue(String column);

  /**
   * A slice the rollup can answer: whole UTC hours {@code [from, to)} from the rollup plus {@code edges} (the
   * partial hours before and after, possibly none) from the raw table.
   */
  record Split(Instant from, Instant to, List<Slice> edges) {}

  Optional<Split> split(Slice s) {
    if (!rollups || s.keyId().isPresent() || s.model().isPresent() || s.provider().isPresent() || s.userId().isPresent()
        || s.tag().isPresent()) {
      return Optional.empty();
    }
    Instant floorFrom = hourOf(s.from());
    Instant from = floorFrom.equals(s.from()) ? floorFrom : floorFrom.plus(HOUR);
    Instant to = hourOf(s.to());
    if (!from.isBefore(to)) {
      return Optional.empty();
    }
    List<Slice> edges = new ArrayList<>(2);
    if (s.from().isBefore(from)) {
      edges.add(s.withRange(s.from(), from));
    }
    if (to.isBefore(s.to())) {
      edges.add(s.withRange(to, s.to()));
    }
    return Optional.of(new Split(from, to, edges));
  }

  /** The rollup rows of a split: hour range and the slice's org/project. */
  private static String rollupWhere(Split sp, Slice s, List<Object> args) {
    StringBuilder sql = new StringBuilder("hour >= ? AND hour < ?");
    args.add(sp.from());
    args.add(sp.to());
    s.orgId().ifPresent(v -> { sql.append(" AND org_id = ?"); args.add(v); });
    s.projectId().ifPresent(v -> { sql.append(" AND project_id = ?"); args.add(v); });
    return sql.toString();
  }

  /** usage_hourly's dim and grouping column for a breakdown dimension; empty: not in the rollup (user). */
  private static Optional<String[]> rollupGroup(Dimension d) {
    return switch (d) {
      case ORG -> Optional.of(new String[] {"", "org_id"});
      case PROJECT -> Optional.of(new String[] {"", "project_id"});
      case MODEL -> Optional.of(new String[] {"model", "value"});
      case MODEL_REQUESTED -> Optional.of(new String[] {"model_requested", "value"});
      case PROVIDER -> Optional.of(new String[] {"provider", "value"});
      case KEY -> Optional.of(new String[] {"key", "value"});
      case STATUS -> Optional.of(new String[] {"status", "value"});
      case DEPLOYMENT -> Optional.of(new String[] {"deployment", "value"});
      case ENDPOINT -> Optional.of(new String[] {"endpoint", "value"});
      case TAG -> Optional.of(new String[] {"tags", "value"});
      case USER -> Optional.empty();
    };
  }

  private String column(Dimension d) {
    return switch (d) {
      case MODEL -> "model_served";
      case MODEL_REQUESTED -> "model_requested";
      case PROVIDER -> "provider";
      case ORG -> "org_id";
      case PROJECT -> "project_id";
      case KEY -> "key_id";
      case USER -> "user_id";
      case TAG -> tagList();
      case STATUS -> "status"; // grouped as an integer; read back as text
      case DEPLOYMENT -> "deployment";
      case ENDPOINT -> "endpoint";
    };
  }

  @Override
  public Totals totals(Slice slice) {
    Optional<Split> split = split(slice);
    if (split.isEmpty()) {
      return rawTotals(slice);
    }
    List<Object> args = new ArrayList<>();
    String sql = "SELECT " + ROLLUP_TOTALS + " FROM usage_hourly WHERE dim = '' AND " + rollupWhere(split.get(), slice, args);
    Totals t = query(sql, args, rs -> {
      rs.next();
      return totals(rs, 1);
    });
    for (Slice edge : split.get().edges()) {
      t = t.plus(rawTotals(edge));
    }
    return t;
  }

  private Totals rawTotals(Slice slice) {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT " + totalsSql() + " FROM usage WHERE " + where(slice, args);
    return query(sql, args, rs -> {
      rs.next();
      return totals(rs, 1);
    });
  }

  @Override
  public Spend spend(Slice slice) {
    Optional<Split> split = split(slice);
    if (split.isEmpty()) {
      return rawSpend(slice);
    }
    List<Object> args = new ArrayList<>();
    String sql = "SELECT coalesce(sum(cost_nanos), 0)::BIGINT, coalesce(sum(requests), 0)::BIGINT FROM usage_hourly"
        + " WHERE dim = '' AND " + rollupWhere(split.get(), slice, args);
    Spend sp = query(sql, args, rs -> {
      rs.next();
      return new Spend(rs.getLong(1), rs.getLong(2));
    });
    for (Slice edge : split.get().edges()) {
      Spend e = rawSpend(edge);
      sp = new Spend(sp.costNanos() + e.costNanos(), sp.requests() + e.requests());
    }
    return sp;
  }

  private Spend rawSpend(Slice slice) {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT coalesce(sum(cost_nanos), 0)::BIGINT, count(*) FILTER (WHERE attempt <= 1) FROM usage WHERE " + where(slice, args);
    return query(sql, args, rs -> {
      rs.next();
      return new Spend(rs.getLong(1), rs.getLong(2));
    });
  }

  @Override
  public List<Group> breakdown(Slice slice, Dimension by) {
    Optional<Split> split = split(slice);
    Optional<String[]> group = rollupGroup(by);
    Map<String, Totals> groups = new LinkedHashMap<>();
    if (by == Dimension.USER && split.isPresent()) {
      userBreakdown(slice, groups);
    } else if (split.isEmpty() || group.isEmpty()) {
      rawBreakdown(slice, by, groups);
    } else {
      List<Object> args = new ArrayList<>();
      args.add(group.get()[0]);
      String sql = "SELECT " + group.get()[1] + " AS g, " + ROLLUP_TOTALS + " FROM usage_hourly WHERE dim = ? AND "
          + rollupWhere(split.get(), slice, args) + " GROUP BY g";
      query(sql, args, rs -> {
        while (rs.next()) {
          Totals t = totals(rs, 2);
          for (String key : keys(by, emptyAsNull(rs.getString(1)))) {
            groups.merge(key, t, Totals::plus);
          }
        }
        return null;
      });
      for (Slice edge : split.get().edges()) {
        rawBreakdown(edge, by, groups);
      }
    }
    List<Group> out = new ArrayList<>(groups.size());
    groups.forEach((k, t) -> out.add(new Group(k, t)));
    return out;
  }

  /** Users: the whole UTC days of the range from usage_user_daily (V033), the rest from the raw table. */
  private void userBreakdown(Slice slice, Map<String, Totals> into) {
    Instant floorDay = dayOf(slice.from());
    Instant dayFrom = floorDay.equals(slice.from()) ? floorDay : floorDay.plus(DAY);
    Instant dayTo = dayOf(slice.to());
    if (!dayFrom.isBefore(dayTo)) {
      rawBreakdown(slice, Dimension.USER, into);
      return;
    }
    List<Object> args = new ArrayList<>();
    String sql = "SELECT value AS g, " + ROLLUP_TOTALS + " FROM usage_user_daily WHERE "
        + rollupWhere(new Split(dayFrom, dayTo, List.of()), slice, args).replace("hour", "day") + " GROUP BY g";
    query(sql, args, rs -> {
      while (rs.next()) {
        into.merge(keys(Dimension.USER, emptyAsNull(rs.getString(1))).getFirst(), totals(rs, 2), Totals::plus);
      }
      return null;
    });
    if (slice.from().isBefore(dayFrom)) {
      rawBreakdown(slice.withRange(slice.from(), dayFrom), Dimension.USER, into);
    }
    if (dayTo.isBefore(slice.to())) {
      rawBreakdown(slice.withRange(dayTo, slice.to()), Dimension.USER, into);
    }
  }

  private void rawBreakdown(Slice slice, Dimension by, Map<String, Totals> into) {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT " + column(by) + " AS g, " + totalsSql() + " FROM usage WHERE " + where(slice, args) + " GROUP BY g";
    query(sql, args, rs -> {
      while (rs.next()) {
        Totals t = totals(rs, 2);
        for (String key : keys(by, rs.getString(1))) {
          into.merge(key, t, Totals::plus);
        }
      }
      return null;
    });
  }

  /** The rollup stores a missing value as '' (its keys cannot be NULL). */
  private static String emptyAsNull(String v) {
    return v == null || v.isEmpty() ? null : v;
  }

  @Override
  public List<SlotRow> series(Slice slice, Duration slot, Optional<Dimension> by) {
    long slotMicros = slot.toNanos() / 1000;
    if (slotMicros <= 0 || DAY.toNanos() / 1000 % slotMicros != 0) {
      throw new IllegalArgumentException("slot: " + slot + " (expected: a divisor of a day)");
    }
    Optional<Split> split = slot.equals(HOUR) ? split(slice) : Optional.empty();
    Optional<String[]> rollupGroup = by.isEmpty() ? Optional.of(new String[] {"", "''"}) : rollupGroup(by.get());
    if (split.isEmpty() || rollupGroup.isEmpty()) {
      return rawSeries(slice, slotMicros, by);
    }
    List<Object> args = new ArrayList<>();
    args.add(rollupGroup.get()[0]);
    String sql = "SELECT " + epochMicros("hour") + " AS s, " + rollupGroup.get()[1] + " AS g, coalesce(sum(cost_nanos), 0)::BIGINT,"
        + " coalesce(sum(requests), 0)::BIGINT, coalesce(sum(errors), 0)::BIGINT,"
        + " coalesce(sum(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + audio_input_tokens"
        + " + image_input_tokens), 0)::BIGINT, coalesce(sum(output_tokens + audio_output_tokens), 0)::BIGINT"
        + " FROM usage_hourly WHERE dim = ? AND " + rollupWhere(split.get(), slice, args) + " GROUP BY 1, 2";
    Dimension dim = by.orElse(null);
    List<SlotRow> out = query(sql, args, rs -> {
      List<SlotRow> rows = new ArrayList<>();
      while (rs.next()) {
        Instant s = Jdbc.fromMicros(rs.getLong(1));
        for (String key : dim == null ? List.of("") : keys(dim, emptyAsNull(rs.getString(2)))) {
          rows.add(new SlotRow(s, key, rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)));
        }
      }
      return rows;
    });
    for (Slice edge : split.get().edges()) {
      out.addAll(rawSeries(edge, slotMicros, by));
    }
    return out;
  }

  private List<SlotRow> rawSeries(Slice slice, long slotMicros, Optional<Dimension> by) {
    List<Object> args = new ArrayList<>();
    String group = by.map(this::column).orElse("''");
    String sql = "SELECT " + divide(epochMicros("started_at"), slotMicros) + " AS s, " + group + " AS g,"
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
    Map<String, LogHistogram[]> byModel = new java.util.TreeMap<>();
    Optional<Split> split = split(slice);
    if (split.isEmpty()) {
      rawLatency(slice, byModel);
    } else {
      // whole UTC days from the daily histograms, the hours around them from the hourly ones
      Split sp = split.get();
      Instant floorDay = dayOf(sp.from());
      Instant dayFrom = floorDay.equals(sp.from()) ? floorDay : floorDay.plus(DAY);
      Instant dayTo = dayOf(sp.to());
      List<Split> hourly = new ArrayList<>(2);
      if (dayFrom.isBefore(dayTo)) {
        latencyBins("usage_latency_daily", "day", new Split(dayFrom, dayTo, List.of()), slice, byModel);
        if (sp.from().isBefore(dayFrom)) {
          hourly.add(new Split(sp.from(), dayFrom, List.of()));
        }
        if (dayTo.isBefore(sp.to())) {
          hourly.add(new Split(dayTo, sp.to(), List.of()));
        }
      } else {
        hourly.add(sp);
      }
      for (Split h : hourly) {
        latencyBins("usage_latency_hourly", "hour", h, slice, byModel);
      }
      for (Slice edge : split.get().edges()) {
        rawLatency(edge, byModel);
      }
    }
    List<ModelLatency> out = new ArrayList<>(byModel.size());
    byModel.forEach((model, h) -> out.add(new ModelLatency(model, h[0].count(), h[0].percentiles(), h[1].count(),
        h[1].count() == 0 ? Optional.empty() : Optional.of(h[1].percentiles()))));
    return out;
  }

  private void latencyBins(String table, String time, Split range, Slice slice, Map<String, LogHistogram[]> into) {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT model, kind, bin, sum(n)::BIGINT FROM " + table + " WHERE "
        + rollupWhere(range, slice, args).replace("hour", time) + " GROUP BY 1, 2, 3";
    query(sql, args, rs -> {
      addBins(rs, into);
      return null;
    });
  }

  private static void addBins(ResultSet rs, Map<String, LogHistogram[]> into) throws SQLException {
    while (rs.next()) {
      LogHistogram[] h = into.computeIfAbsent(rs.getString(1), m -> new LogHistogram[] {new LogHistogram(), new LogHistogram()});
      h[rs.getInt(2)].add(rs.getInt(3), rs.getLong(4));
    }
  }

  private void rawLatency(Slice slice, Map<String, LogHistogram[]> into) {
    List<Object> args = new ArrayList<>();
    String filter = where(slice, args) + " AND status < 400 AND NOT (" + hasFlag(UsageFlag.CACHE_HIT) + ")";
    List<Object> twice = new ArrayList<>(args);
    twice.addAll(args);
    // one integer GROUP BY per measure: percentiles come from log-scale histograms (LogHistogram)
    String sql = "SELECT model_served, 0 AS kind, " + LogHistogram.binSql("latency_ms") + " AS b, count(*) FROM usage WHERE "
        + filter + " GROUP BY 1, 2, 3 UNION ALL SELECT model_served, 1, " + LogHistogram.binSql(ttftMillis()) + ", count(*) FROM usage WHERE "
        + filter + " AND first_token_at IS NOT NULL GROUP BY 1, 2, 3";
    query(sql, twice, rs -> {
      addBins(rs, into);
      return null;
    });
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
    String org = by == Dimension.MODEL ? "NULL" : anyValue("org_id");
    String project = by == Dimension.MODEL ? "NULL" : anyValue("project_id");
    boolean wholeHours = rollups && length.toNanos() % HOUR.toNanos() == 0 && length.compareTo(HOUR) >= 0
        && windowStarts.stream().allMatch(w -> hourOf(w).equals(w));
    String time = "started_at";
    String table = "usage WHERE";
    if (wholeHours) { // each rollup hour falls wholly inside or outside each window
      time = "hour";
      table = switch (by) {
        case PROJECT -> "usage_hourly WHERE dim = '' AND";
        case KEY -> "usage_hourly WHERE dim = 'key' AND";
        default -> "usage_hourly WHERE dim = 'model' AND";
      };
      value = by == Dimension.PROJECT ? "project_id" : "value";
      org = by == Dimension.MODEL ? "NULL" : "nullif(" + anyValue("org_id") + ", '')";
      project = by == Dimension.MODEL ? "NULL" : "nullif(" + anyValue("project_id") + ", '')";
    }
    List<Object> args = new ArrayList<>();
    StringBuilder window = new StringBuilder("CASE");
    StringBuilder where = new StringBuilder();
    for (int i = 0; i < windowStarts.size(); i++) {
      window.append(" WHEN ").append(time).append(" >= ? AND ").append(time).append(" < ? THEN ").append(i);
      where.append(i == 0 ? "" : " OR ").append('(').append(time).append(" >= ? AND ").append(time).append(" < ?)");
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
        + " FROM " + table + " (" + where + ") AND nullif(" + value + ", '') IS NOT NULL GROUP BY w, v";
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
  private String where(Slice s, List<Object> args) {
    StringBuilder sql = new StringBuilder("started_at >= ? AND started_at < ?");
    args.add(s.from());
    args.add(s.to());
    s.orgId().ifPresent(v -> { sql.append(" AND org_id = ?"); args.add(v); });
    s.projectId().ifPresent(v -> { sql.append(" AND project_id = ?"); args.add(v); });
    s.keyId().ifPresent(v -> { sql.append(" AND key_id = ?"); args.add(v); });
    s.model().ifPresent(v -> { sql.append(" AND (model_served = ? OR model_requested = ?)"); args.add(v); args.add(v); });
    s.provider().ifPresent(v -> { sql.append(" AND provider = ?"); args.add(v); });
    s.userId().ifPresent(v -> { sql.append(" AND user_id = ?"); args.add(v); });
    s.tag().ifPresent(v -> sql.append(" AND ").append(hasTag(v, args)));
    return sql.toString();
  }

  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T query(String sql, List<Object> args, Reader<T> reader) {
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        Object arg = args.get(i);
        if (arg instanceof Instant t) {
          time.set(ps, i + 1, t);
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

  static Instant hourOf(Instant t) {
    return t.truncatedTo(ChronoUnit.HOURS);
  }

  static Instant dayOf(Instant t) {
    return t.truncatedTo(ChronoUnit.DAYS);
  }
}
