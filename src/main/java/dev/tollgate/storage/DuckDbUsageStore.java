package dev.tollgate.storage;

import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsagePage;
import dev.tollgate.usage.UsageQuery;
import dev.tollgate.usage.UsageRecord;
import dev.tollgate.usage.UsageStore;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The usage ledger on DuckDB: batches go in through the Appender (100x plain INSERTs) on one connection
 * kept between batches; {@link #close()} it before the {@link Database}.
 */
public final class DuckDbUsageStore implements UsageStore {
  private static final String COLUMNS = "request_id, attempt, started_at, first_token_at, ended_at, key_id, user_id, tags, "
      + "provider, model_requested, model_served, endpoint, stream, input_tokens, cache_read_tokens, cache_write_5m_tokens, "
      + "cache_write_1h_tokens, audio_input_tokens, image_input_tokens, output_tokens, reasoning_tokens, audio_output_tokens, "
      + "cost_nanos, status, error_class, flags, latency_ms, price_version, cost_breakdown, org_id, project_id, deployment, "
      + "saved_nanos";

  /** Flag names in the order the {@code flags} column lists them. */
  private static final UsageFlag[] FLAGS_BY_NAME = Arrays.stream(UsageFlag.values())
      .sorted(Comparator.comparing(Enum::name)).toArray(UsageFlag[]::new);

  private final Database db;
  /** The writers' connection, kept between batches (opening and closing one costs as much as appending 500 rows). */
  private DuckDBConnection writer;

  public DuckDbUsageStore(Database db) {
    this.db = db;
  }

  @Override
  public synchronized void append(List<UsageRecord> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      appendAndRollUp(writer(), batch);
    } catch (SQLException | RuntimeException e) {
      dropWriter();
      throw new StoreException("cannot append " + batch.size() + " usage records: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    dropWriter();
  }

  private DuckDBConnection writer() {
    if (writer == null) {
      writer = db.connection();
    }
    return writer;
  }

  /** After a failure the connection may be unusable: the next batch opens a new one. */
  private void dropWriter() {
    if (writer != null) {
      try {
        writer.close();
      } catch (SQLException ignored) {
        // it is being replaced
      }
      writer = null;
    }
  }

  @Override
  public synchronized int appendIfAbsent(List<UsageRecord> batch) {
    if (batch.isEmpty()) {
      return 0;
    }
    // Widened by a millisecond each way: the stored value is truncated to microseconds.
    Instant min = batch.stream().map(UsageRecord::startedAt).min(Instant::compareTo).orElseThrow().minusMillis(1);
    Instant max = batch.stream().map(UsageRecord::startedAt).max(Instant::compareTo).orElseThrow().plusMillis(1);
    Set<String> ids = batch.stream().map(UsageRecord::requestId).collect(Collectors.toSet());
    try {
      DuckDBConnection c = writer();
      Set<String> present = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT request_id, attempt FROM usage WHERE started_at BETWEEN ? AND ?")) {
        Jdbc.setInstant(ps, 1, min);
        Jdbc.setInstant(ps, 2, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String id = rs.getString(1);
            if (ids.contains(id)) {
              present.add(id + "#" + rs.getInt(2));
            }
          }
        }
      }
      List<UsageRecord> fresh = new ArrayList<>(batch.size());
      for (UsageRecord r : batch) {
        if (present.add(r.requestId() + "#" + r.attempt())) { // also drops duplicates inside the batch
          fresh.add(r);
        }
      }
      appendAndRollUp(c, fresh);
      return fresh.size();
    } catch (SQLException | RuntimeException e) {
      dropWriter();
      throw new StoreException("cannot append " + batch.size() + " usage records: " + e.getMessage(), e);
    }
  }

  /** The rows and their hourly rollups (DuckDbUsageRollup) in one transaction: both or neither. */
  private static void appendAndRollUp(DuckDBConnection c, Collection<UsageRecord> batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    c.setAutoCommit(false);
    try {
      appendAll(c, batch);
      DuckDbUsageRollup.add(c, batch);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static void appendAll(DuckDBConnection c, Collection<UsageRecord> batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    List<String> lastTags = List.of();
    String lastTagsJson = "[]";
    try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "usage")) {
      for (UsageRecord r : batch) {
        TokenUsage u = r.usage();
        a.beginRow()
            .append(r.requestId())
            .append(r.attempt())
            .appendEpochMicros(Jdbc.micros(r.startedAt()));
        if (r.firstTokenAt().isPresent()) {
          a.appendEpochMicros(Jdbc.micros(r.firstTokenAt().get()));
        } else {
          a.appendNull();
        }
        a.appendEpochMicros(Jdbc.micros(r.endedAt()))
            .append(r.keyId());
        if (r.userId().isPresent()) {
          a.append(r.userId().get());
        } else {
          a.appendNull();
        }
        if (!r.tags().equals(lastTags)) { // consecutive records mostly carry the same tags
          lastTags = r.tags();
          lastTagsJson = tagsJson(lastTags);
        }
        a.append(lastTagsJson)
            .append(r.provider())
            .append(r.modelRequested())
            .append(r.modelServed())
            .append(r.endpoint())
            .append(r.stream())
            .append(u.inputTokens())
            .append(u.cacheReadTokens())
            .append(u.cacheWrite5mTokens())
            .append(u.cacheWrite1hTokens())
            .append(u.audioInputTokens())
            .append(u.imageInputTokens())
            .append(u.outputTokens())
            .append(u.reasoningTokens())
            .append(u.audioOutputTokens())
            .append(r.costNanos())
            .append(r.status());
        if (r.errorClass().isPresent()) {
          a.append(r.errorClass().get());
        } else {
          a.appendNull();
        }
        a.append(flagsText(r.flags()))
            .append(r.latencyMillis());
        if (r.priceVersion().isPresent()) {
          a.append(r.priceVersion().get());
        } else {
          a.appendNull();
        }
        if (r.costBreakdown().isEmpty()) {
          a.appendNull();
        } else {
          a.append(breakdownJson(r.costBreakdown()));
        }
        appendOptional(a, r.orgId());
        appendOptional(a, r.projectId());
        appendOptional(a, r.deployment());
        a.append(r.savedNanos());
        a.endRow();
      }
      a.flush();
    }
  }

  private static void appendOptional(DuckDBAppender a, Optional<String> v) throws SQLException {
    if (v.isPresent()) {
      a.append(v.get());
    } else {
      a.appendNull();
    }
  }

  /** The {@code tags} column: a JSON array of strings, written without a JSON library (this runs per row). */
  static String tagsJson(List<String> tags) {
    if (tags.isEmpty()) {
      return "[]";
    }
    StringBuilder b = new StringBuilder(16 * tags.size());
    b.append('[');
    for (int i = 0; i < tags.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"');
      String t = tags.get(i);
      for (int k = 0; k < t.length(); k++) {
        char ch = t.charAt(k);
        switch (ch) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          default -> {
            if (ch < 0x20) {
              b.append(String.format("\\u%04x", (int) ch));
            } else {
              b.append(ch);
            }
          }
        }
      }
      b.append('"');
    }
    return b.append(']').toString();
  }

  /** The {@code flags} column: flag names sorted, comma-separated. */
  static String flagsText(Set<UsageFlag> flags) {
    if (flags.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (UsageFlag f : FLAGS_BY_NAME) {
      if (flags.contains(f)) {
        if (!b.isEmpty()) {
          b.append(',');
        }
        b.append(f.name());
      }
    }
    return b.toString();
  }

  @Override
  public UsagePage query(UsageQuery q) {
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM usage WHERE " + where(q, args));
    if (q.cursor().isPresent()) {
      Cursor cur = Cursor.decode(q.cursor().get());
      sql.append(" AND (started_at < ? OR (started_at = ? AND (request_id < ? OR (request_id = ? AND attempt < ?))))");
      args.add(cur.startedAt());
      args.add(cur.startedAt());
      args.add(cur.requestId());
      args.add(cur.requestId());
      args.add(cur.attempt());
    }
    sql.append(" ORDER BY started_at DESC, request_id DESC, attempt DESC LIMIT ?");
    args.add(q.limit() + 1);
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
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

  @Override
  public long export(UsageQuery filters, Consumer<UsageRecord> sink) {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT " + COLUMNS + " FROM usage WHERE " + where(filters, args)
        + " ORDER BY started_at, request_id, attempt";
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      bindAll(ps, args);
      long n = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sink.accept(read(rs));
          n++;
        }
      }
      return n;
    } catch (SQLException e) {
      throw new StoreException("cannot export usage: " + e.getMessage(), e);
    }
  }

  /** The filter part of a query; parameters are appended to {@code args} in order. */
  private static String where(UsageQuery q, List<Object> args) {
    StringBuilder sql = new StringBuilder("1 = 1");
    q.from().ifPresent(t -> { sql.append(" AND started_at >= ?"); args.add(t); });
    q.to().ifPresent(t -> { sql.append(" AND started_at < ?"); args.add(t); });
    q.keyId().ifPresent(v -> { sql.append(" AND key_id = ?"); args.add(v); });
    q.userId().ifPresent(v -> { sql.append(" AND user_id = ?"); args.add(v); });
    q.model().ifPresent(v -> { sql.append(" AND (model_requested = ? OR model_served = ?)"); args.add(v); args.add(v); });
    q.provider().ifPresent(v -> { sql.append(" AND provider = ?"); args.add(v); });
    q.endpoint().ifPresent(v -> { sql.append(" AND endpoint = ?"); args.add(v); });
    q.tag().ifPresent(v -> { sql.append(" AND list_contains(CAST(json_extract_string(tags, '$[*]') AS VARCHAR[]), ?)"); args.add(v); });
    q.status().ifPresent(v -> { sql.append(" AND status = ?"); args.add(v); });
    q.orgId().ifPresent(v -> { sql.append(" AND org_id = ?"); args.add(v); });
    q.projectId().ifPresent(v -> { sql.append(" AND project_id = ?"); args.add(v); });
    return sql.toString();
  }

  private static void bindAll(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      if (arg instanceof Instant t) {
        Jdbc.setInstant(ps, i + 1, t);
      } else {
        ps.setObject(i + 1, arg);
      }
    }
  }

  @Override
  public long count() {
    try (Connection c = db.connection(); var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM usage")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StoreException("cannot count usage: " + e.getMessage(), e);
    }
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
      Map<String, BigDecimal> out = new java.util.TreeMap<>();
      dev.tollgate.common.Json.MAPPER.readTree(json).properties().forEach(e -> out.put(e.getKey(), new BigDecimal(e.getValue().asText())));
      return out;
    } catch (java.io.IOException | NumberFormatException e) {
      throw new IllegalStateException("corrupt cost_breakdown in the store: " + json, e);
    }
  }

  private static UsageRecord read(ResultSet rs) throws SQLException {
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
        Jdbc.instant(rs, "started_at"),
        Jdbc.optionalInstant(rs, "first_token_at"),
        Jdbc.instant(rs, "ended_at"),
        rs.getString("key_id"),
        Optional.ofNullable(rs.getString("user_id")),
        Jdbc.parseJsonList(rs.getString("tags")),
        rs.getString("provider"),
        rs.getString("model_requested"),
        rs.getString("model_served"),
        rs.getString("endpoint"),
        rs.getBoolean("stream"),
        new TokenUsage(rs.getLong("input_tokens"), rs.getLong("cache_read_tokens"), rs.getLong("cache_write_5m_tokens"),
            rs.getLong("cache_write_1h_tokens"), rs.getLong("audio_input_tokens"), rs.getLong("image_input_tokens"),
            rs.getLong("output_tokens"), rs.getLong("reasoning_tokens"), rs.getLong("audio_output_tokens")),
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
        throw new dev.tollgate.common.InvalidRequestException("cursor", "cursor: '" + text + "' (expected: a next_cursor value from a previous page)");
      }
    }
  }
}
