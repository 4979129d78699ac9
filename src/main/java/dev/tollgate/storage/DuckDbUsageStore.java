package dev.tollgate.storage;

import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsagePage;
import dev.tollgate.usage.UsageQuery;
import dev.tollgate.usage.UsageRecord;
import dev.tollgate.usage.UsageStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
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
  /** Flag names in the order the {@code flags} column lists them. */
  private static final UsageFlag[] FLAGS_BY_NAME = Arrays.stream(UsageFlag.values())
      .sorted(Comparator.comparing(Enum::name)).toArray(UsageFlag[]::new);

  private final Database db;
  private final JdbcUsageReads reads;
  /** The writers' connection, kept between batches (opening and closing one costs as much as appending 500 rows). */
  private DuckDBConnection writer;

  public DuckDbUsageStore(Database db) {
    this.db = db;
    this.reads = new JdbcUsageReads(db::connection, SqlTime.DUCKDB,
        "list_contains(CAST(json_extract_string(tags, '$[*]') AS VARCHAR[]), ?)", false);
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

  /**
   * The rows and their hourly rollups (DuckDbUsageRollup) in one transaction: both or neither. The transaction is
   * begun with a statement, not with {@code setAutoCommit(false)}: DuckDB's JDBC driver begins that kind lazily, at
   * the next statement, and an Appender that flushes before any statement commits its rows on its own (measured
   * with DuckDB 1.5: rows appended after {@code setAutoCommit(false)} survived a rollback). Every 2,048 rows
   * would then be a transaction of its own, and a failed rollup would leave rows behind that a retry appends again.
   */
  private static void appendAndRollUp(DuckDBConnection c, Collection<UsageRecord> batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN TRANSACTION");
      try {
        appendAll(c, batch);
        DuckDbUsageRollup.add(c, batch);
        st.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        try {
          st.execute("ROLLBACK");
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
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
        appendOptional(a, r.userId());
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
        appendOptional(a, r.errorClass());
        a.append(flagsText(r.flags()))
            .append(r.latencyMillis());
        appendOptional(a, r.priceVersion());
        if (r.costBreakdown().isEmpty()) {
          a.appendNull();
        } else {
          a.append(JdbcUsageReads.breakdownJson(r.costBreakdown()));
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
