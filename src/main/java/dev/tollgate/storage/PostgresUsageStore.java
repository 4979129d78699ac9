package dev.tollgate.storage;

import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsagePage;
import dev.tollgate.usage.UsageQuery;
import dev.tollgate.usage.UsageRecord;
import dev.tollgate.usage.UsageStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.postgresql.PGConnection;

/**
 * The usage ledger on PostgreSQL. A batch is one transaction: COPY into a session-local staging table,
 * then one statement ({@link PostgresUsageRollup#INSERT}) that inserts the rows not stored yet ({@code ON CONFLICT
 * (request_id, attempt) DO NOTHING}) and adds exactly those rows to the analytics rollups ({@code ON CONFLICT DO
 * UPDATE}).
 * So {@link #append} and {@link #appendIfAbsent} are the same idempotent operation here, a replay never
 * counts a row twice in a rollup, and a rollup never holds a row the ledger does not.
 */
public final class PostgresUsageStore implements UsageStore {
  static final String COLUMNS = "request_id, attempt, started_at, first_token_at, ended_at, key_id, user_id, tags, "
      + "provider, model_requested, model_served, endpoint, stream, input_tokens, cache_read_tokens, cache_write_5m_tokens, "
      + "cache_write_1h_tokens, audio_input_tokens, image_input_tokens, output_tokens, reasoning_tokens, audio_output_tokens, "
      + "cost_nanos, status, error_class, flags, latency_ms, price_version, cost_breakdown, org_id, project_id, deployment, "
      + "saved_nanos";

  private static final String STAGE = "CREATE TEMP TABLE IF NOT EXISTS usage_stage (LIKE usage INCLUDING DEFAULTS) "
      + "ON COMMIT DELETE ROWS";

  private final PostgresDatabase db;

  public PostgresUsageStore(PostgresDatabase db) {
    this.db = db;
  }

  @Override
  public void append(List<UsageRecord> batch) {
    appendIfAbsent(batch);
  }

  @Override
  public int appendIfAbsent(List<UsageRecord> batch) {
    if (batch.isEmpty()) {
      return 0;
    }
    byte[] copy = copyText(batch);
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        try (Statement st = c.createStatement()) {
          st.execute(STAGE);
        }
        c.unwrap(PGConnection.class).getCopyAPI()
            .copyIn("COPY usage_stage (" + COLUMNS + ") FROM STDIN", new ByteArrayInputStream(copy));
        int inserted;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(PostgresUsageRollup.INSERT)) {
          rs.next();
          inserted = rs.getInt(1);
        }
        c.commit();
        return inserted;
      } catch (SQLException | IOException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        resetQuietly(c);
      }
    } catch (SQLException | IOException e) {
      throw new StoreException("cannot append " + batch.size() + " usage records: " + e.getMessage(), e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the pool discards it
    }
  }

  private static void resetQuietly(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the connection is broken; the pool discards it
    }
  }

  /** The batch in COPY text format: tab-separated, {@code \N} for NULL, backslash escapes. */
  static byte[] copyText(List<UsageRecord> batch) {
    StringBuilder b = new StringBuilder(batch.size() * 400);
    for (UsageRecord r : batch) {
      TokenUsage u = r.usage();
      field(b, r.requestId()).append('\t').append(r.attempt()).append('\t');
      time(b, r.startedAt()).append('\t');
      if (r.firstTokenAt().isPresent()) {
        time(b, r.firstTokenAt().get());
      } else {
        b.append("\\N");
      }
      b.append('\t');
      time(b, r.endedAt()).append('\t');
      field(b, r.keyId()).append('\t');
      optional(b, r.userId()).append('\t');
      field(b, DuckDbUsageStore.tagsJson(r.tags())).append('\t');
      field(b, r.provider()).append('\t');
      field(b, r.modelRequested()).append('\t');
      field(b, r.modelServed()).append('\t');
      field(b, r.endpoint()).append('\t');
      b.append(r.stream() ? 't' : 'f').append('\t');
      b.append(u.inputTokens()).append('\t').append(u.cacheReadTokens()).append('\t').append(u.cacheWrite5mTokens()).append('\t')
          .append(u.cacheWrite1hTokens()).append('\t').append(u.audioInputTokens()).append('\t').append(u.imageInputTokens())
          .append('\t').append(u.outputTokens()).append('\t').append(u.reasoningTokens()).append('\t')
          .append(u.audioOutputTokens()).append('\t');
      b.append(r.costNanos()).append('\t').append(r.status()).append('\t');
      optional(b, r.errorClass()).append('\t');
      field(b, DuckDbUsageStore.flagsText(r.flags())).append('\t');
      b.append(r.latencyMillis()).append('\t');
      optional(b, r.priceVersion()).append('\t');
      if (r.costBreakdown().isEmpty()) {
        b.append("\\N");
      } else {
        field(b, DuckDbUsageStore.breakdownJson(r.costBreakdown()));
      }
      b.append('\t');
      optional(b, r.orgId()).append('\t');
      optional(b, r.projectId()).append('\t');
      optional(b, r.deployment()).append('\t');
      b.append(r.savedNanos()).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Truncated to microseconds, like the DuckDB store (PostgreSQL would round). */
  private static StringBuilder time(StringBuilder b, Instant t) {
    return b.append(t.truncatedTo(ChronoUnit.MICROS));
  }

  private static StringBuilder optional(StringBuilder b, Optional<String> v) {
    return v.isPresent() ? field(b, v.get()) : b.append("\\N");
  }

  private static StringBuilder field(StringBuilder b, String v) {
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> b.append(ch);
      }
    }
    return b;
  }

  @Override
  public UsagePage query(UsageQuery q) {
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM usage WHERE " + where(q, args));
    if (q.cursor().isPresent()) {
      DuckDbUsageStore.Cursor cur = DuckDbUsageStore.Cursor.decode(q.cursor().get());
      sql.append(" AND (started_at, request_id, attempt) < (?, ?, ?)");
      args.add(cur.startedAt());
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
        next = Optional.of(new DuckDbUsageStore.Cursor(last.startedAt(), last.requestId(), last.attempt()).encode());
      }
      return new UsagePage(rows, next);
    } catch (SQLException e) {
      throw new StoreException("cannot query usage: " + e.getMessage(), e);
    }
  }

  @Override
  public long export(UsageQuery filters, Consumer<UsageRecord> sink) {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT " + COLUMNS + " FROM usage WHERE " + where(filters, args) + " ORDER BY started_at, request_id, attempt";
    try (Connection c = db.connection()) {
      c.setAutoCommit(false); // pgjdbc streams with a cursor only inside a transaction
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setFetchSize(1_000);
        bindAll(ps, args);
        long n = 0;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sink.accept(read(rs));
            n++;
          }
        }
        c.commit();
        return n;
      } finally {
        rollbackQuietly(c);
        resetQuietly(c);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot export usage: " + e.getMessage(), e);
    }
  }

  /** The filter part of a query; parameters are appended to {@code args} in order. */
  private static String where(UsageQuery q, List<Object> args) {
    StringBuilder sql = new StringBuilder("TRUE");
    q.from().ifPresent(t -> { sql.append(" AND started_at >= ?"); args.add(t); });
    q.to().ifPresent(t -> { sql.append(" AND started_at < ?"); args.add(t); });
    q.keyId().ifPresent(v -> { sql.append(" AND key_id = ?"); args.add(v); });
    q.userId().ifPresent(v -> { sql.append(" AND user_id = ?"); args.add(v); });
    q.model().ifPresent(v -> { sql.append(" AND (model_requested = ? OR model_served = ?)"); args.add(v); args.add(v); });
    q.provider().ifPresent(v -> { sql.append(" AND provider = ?"); args.add(v); });
    q.endpoint().ifPresent(v -> { sql.append(" AND endpoint = ?"); args.add(v); });
    q.tag().ifPresent(v -> { sql.append(" AND tags @> jsonb_build_array(?::text)"); args.add(v); });
    q.status().ifPresent(v -> { sql.append(" AND status = ?"); args.add(v); });
    q.orgId().ifPresent(v -> { sql.append(" AND org_id = ?"); args.add(v); });
    q.projectId().ifPresent(v -> { sql.append(" AND project_id = ?"); args.add(v); });
    return sql.toString();
  }

  private static void bindAll(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      if (arg instanceof Instant t) {
        PostgresDatabase.setInstant(ps, i + 1, t);
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
        PostgresDatabase.instant(rs, "started_at"),
        PostgresDatabase.optionalInstant(rs, "first_token_at"),
        PostgresDatabase.instant(rs, "ended_at"),
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
        DuckDbUsageStore.parseBreakdown(rs.getString("cost_breakdown")),
        Optional.ofNullable(rs.getString("org_id")),
        Optional.ofNullable(rs.getString("project_id")),
        Optional.ofNullable(rs.getString("deployment")),
        rs.getLong("saved_nanos"));
  }
}
