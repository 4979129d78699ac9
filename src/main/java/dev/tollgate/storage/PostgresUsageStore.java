package dev.tollgate.storage;

import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsagePage;
import dev.tollgate.usage.UsageQuery;
import dev.tollgate.usage.UsageRecord;
import dev.tollgate.usage.UsageStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
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
  private static final String STAGE = "CREATE TEMP TABLE IF NOT EXISTS usage_stage (LIKE usage INCLUDING DEFAULTS) "
      + "ON COMMIT DELETE ROWS";

  private final PostgresDatabase db;
  private final JdbcUsageReads reads;

  public PostgresUsageStore(PostgresDatabase db) {
    this.db = db;
    this.reads = new JdbcUsageReads(db::connection, SqlTime.POSTGRES, "tags @> jsonb_build_array(?::text)", true);
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
            .copyIn("COPY usage_stage (" + JdbcUsageReads.COLUMNS + ") FROM STDIN", new ByteArrayInputStream(copy));
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
        field(b, JdbcUsageReads.breakdownJson(r.costBreakdown()));
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
    return reads.query(q);
  }

  @Override
  public long export(UsageQuery filters, Consumer<UsageRecord> sink) {
    return reads.export(filters, sink);
  }

  @Override
  public long count() {
    return reads.count();
  }
}
