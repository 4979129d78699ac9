package dev.tollgate.storage;

import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsagePage;
import dev.tollgate.usage.UsageQuery;
import dev.tollgate.usage.UsageRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The usage ledger's reads, written once for DuckDB and PostgreSQL (the writes differ: DuckDB's appender,
 * PostgreSQL's COPY): a page newest first with a cursor, the oldest-first export stream and the count. The
 * backends differ in timestamp binding, the tag test, and how the cursor compares (a row value on PostgreSQL,
 * which its index can seek to).
 */
final class JdbcUsageReads {
  static final String COLUMNS = "request_id, attempt, started_at, first_token_at, ended_at, key_id, user_id, tags, "
      + "provider, model_requested, model_served, endpoint, stream, input_tokens, cache_read_tokens, cache_write_5m_tokens, "
      + "cache_write_1h_tokens, audio_input_tokens, image_input_tokens, output_tokens, reasoning_tokens, audio_output_tokens, "
      + "cost_nanos, status, error_class, flags, latency_ms, price_version, cost_breakdown, org_id, project_id, deployment, "
      + "saved_nanos";

  /** The nine token classes' columns, in {@link TokenUsage}'s order. */
  static final String TOKEN_COLUMNS = "input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, "
      + "audio_input_tokens, image_input_tokens, output_tokens, reasoning_tokens, audio_output_tokens";

  private final Supplier<Connection> connections;
  private final SqlTime time;
  private final String tagContains;
  private final boolean rowValues;

  /**
   * @param tagContains the SQL true when the row's tags hold the bound parameter
   * @param rowValues whether the cursor is one row-value comparison {@code (a, b, c) < (?, ?, ?)}
   */
  JdbcUsageReads(Supplier<Connection> connections, SqlTime time, String tagContains, boolean rowValues) {
    this.connections = connections;
    this.time = time;
    this.tagContains = tagContains;
    this.rowValues = rowValues;
  }

  UsagePage query(UsageQuery q) {
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM usage WHERE " + where(q, args));
    if (q.cursor().isPresent()) {
      Cursor cur = Cursor.decode(q.cursor().get());
      if (rowValues) {
        sql.append(" AND (started_at, request_id, attempt) < (?, ?, ?)");
        args.addAll(List.of(cur.startedAt(), cur.requestId(), cur.attempt()));
      } else {
        sql.append(" AND (started_at < ? OR (started_at = ? AND (request_id < ? OR (request_id = ? AND attempt < ?))))");
        args.addAll(List.of(cur.startedAt(), cur.startedAt(), cur.requestId(), cur.requestId(), cur.attempt()));
      }
    }
    sql.append(" ORDER BY started_at DESC, request_id DESC, attempt DESC LIMIT ?");
    args.add(q.limit() + 1);
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      bindAll(ps, args);
      List<UsageRecord> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(read(rs));
        }
      }
      Optional<String> next = Optional.empty();
      if (rows.size() > q.limit()) {
        rows = rows.subList(0, q.limit());
        UsageRecord last = rows.getLast();
        next = Optional.of(new Cursor(last.startedAt(), last.requestId(), last.attempt()).encode());
      }
      return new UsagePage(rows, next);
    } catch (SQLException e) {
      throw new StoreException("cannot query usage: " + e.getMessage(), e);
    }
  }

  /** Streamed oldest first; inside a transaction because pgjdbc only streams with a cursor in one. */
  long export(UsageQuery filters, Consumer<UsageRecord> sink) {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT " + COLUMNS + " FROM usage WHERE " + where(filters, args) + " ORDER BY started_at, request_id, attempt";
    try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement(sql)) {
      return Jdbc.inTransaction(c, () -> {
        ps.setFetchSize(1_000);
        bindAll(ps, args);
        long n = 0;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sink.accept(read(rs));
            n++;
          }
        }
        return n;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot export usage: " + e.getMessage(), e);
    }
  }

  long count() {
    try (Connection c = connections.get(); var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM usage")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StoreException("cannot count usage: " + e.getMessage(), e);
    }
  }

  /** The filter part of a query; parameters are appended to {@code args} in order. */
  private String where(UsageQuery q, List<Object> args) {
    StringBuilder sql = new StringBuilder("1 = 1");
    q.from().ifPresent(t -> { sql.append(" AND started_at >= ?"); args.add(t); });
    q.to().ifPresent(t -> { sql.append(" AND started_at < ?"); args.add(t); });
    q.keyId().ifPresent(v -> { sql.append(" AND key_id = ?"); args.add(v); });
    q.userId().ifPresent(v -> { sql.append(" AND user_id = ?"); args.add(v); });
    q.model().ifPresent(v -> { sql.append(" AND (model_requested = ? OR model_served = ?)"); args.add(v); args.add(v); });
    q.provider().ifPresent(v -> { sql.append(" AND provider = ?"); args.add(v); });
    q.endpoint().ifPresent(v -> { sql.append(" AND endpoint = ?"); args.add(v); });
    q.tag().ifPresent(v -> { sql.append(" AND ").append(tagContains); args.add(v); });
    q.status().ifPresent(v -> { sql.append(" AND status = ?"); args.add(v); });
    q.orgId().ifPresent(v -> { sql.append(" AND org_id = ?"); args.add(v); });
    q.projectId().ifPresent(v -> { sql.append(" AND project_id = ?"); args.add(v); });
    return sql.toString();
  }

  private void bindAll(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      if (arg instanceof Instant t) {
        time.set(ps, i + 1, t);
      } else {
        ps.setObject(i + 1, arg);
      }
    }
  }

  private UsageRecord read(ResultSet rs) throws SQLException {
    String flags = rs.getString("flags");
    Set<UsageFlag> flagSet = EnumSet.noneOf(UsageFlag.class);
    if (!flags.isEmpty()) {
      for (String f : flags.split(",")) {
        flagSet.add(UsageFlag.valueOf(f));
      }
    }
    return new UsageRecord(
        rs.getString("request_id"),
        rs.getInt("attempt"),
        time.get(rs, "started_at"),
        time.getOptional(rs, "first_token_at"),
        time.get(rs, "ended_at"),
        rs.getString("key_id"),
        Optional.ofNullable(rs.getString("user_id")),
        Jdbc.parseJsonList(rs.getString("tags")),
        rs.getString("provider"),
        rs.getString("model_requested"),
        rs.getString("model_served"),
        rs.getString("endpoint"),
        rs.getBoolean("stream"),
        tokenUsage(rs),
        rs.getLong("cost_nanos"),
        rs.getInt("status"),
        Optional.ofNullable(rs.getString("error_class")),
        flagSet,
        Optional.ofNullable(rs.getString("price_version")),
        parseBreakdown(rs.getString("cost_breakdown")),
        Optional.ofNullable(rs.getString("org_id")),
        Optional.ofNullable(rs.getString("project_id")),
        Optional.ofNullable(rs.getString("deployment")),
        rs.getLong("saved_nanos"));
  }

  /** {@code {"input":"0.00000105","output":"0.0000144"}}: exact decimal strings, never floats. */
  static String breakdownJson(Map<String, BigDecimal> breakdown) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, BigDecimal> e : breakdown.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"').append(e.getKey()).append("\":\"").append(e.getValue().toPlainString()).append('"');
    }
    return sb.append('}').toString();
  }

  static Map<String, BigDecimal> parseBreakdown(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    try {
      Map<String, BigDecimal> out = new TreeMap<>();
      Json.MAPPER.readTree(json).properties().forEach(e -> out.put(e.getKey(), new BigDecimal(e.getValue().asText())));
      return out;
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("corrupt cost_breakdown in the store: " + json, e);
    }
  }

  /** The position after the last row of a page: (started_at, request_id, attempt), base64url. */
  record Cursor(Instant startedAt, String requestId, int attempt) {
    String encode() {
      String raw = Jdbc.micros(startedAt) + ":" + attempt + ":" + requestId;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String text) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        String[] parts = raw.split(":", 3);
        return new Cursor(Jdbc.fromMicros(Long.parseLong(parts[0])), parts[2], Integer.parseInt(parts[1]));
      } catch (RuntimeException e) {
        throw new InvalidRequestException("cursor", "cursor: '" + text + "' (expected: a next_cursor value from a previous page)");
      }
    }
  }

  /** The row's {@link #TOKEN_COLUMNS}. */
  static TokenUsage tokenUsage(ResultSet rs) throws SQLException {
    return new TokenUsage(rs.getLong("input_tokens"), rs.getLong("cache_read_tokens"), rs.getLong("cache_write_5m_tokens"),
        rs.getLong("cache_write_1h_tokens"), rs.getLong("audio_input_tokens"), rs.getLong("image_input_tokens"),
        rs.getLong("output_tokens"), rs.getLong("reasoning_tokens"), rs.getLong("audio_output_tokens"));
  }
}
