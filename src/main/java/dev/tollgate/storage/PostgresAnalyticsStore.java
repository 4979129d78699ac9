package dev.tollgate.storage;

import dev.tollgate.usage.UsageFlag;
import java.util.List;

/**
 * Analytics on PostgreSQL: {@link JdbcAnalyticsStore} with PostgreSQL's functions, so it reads the same rollups
 * (V031–V033, kept by {@link PostgresUsageRollup} in the COPY batch's statement) where they answer exactly and the
 * raw ledger otherwise, and every answer is identical to DuckDB's. The raw reads use the ledger's indexes, which
 * lead with the slice's filters and {@code started_at}; a tag filter uses the GIN index on {@code tags}.
 */
public final class PostgresAnalyticsStore extends JdbcAnalyticsStore {
  public PostgresAnalyticsStore(PostgresDatabase db) {
    this(db, true);
  }

  /** @param rollups false: every query reads the raw table (what the rollup answers are tested against) */
  public PostgresAnalyticsStore(PostgresDatabase db, boolean rollups) {
    super(db::connection, SqlTime.POSTGRES, rollups);
  }

  @Override
  String hasFlag(UsageFlag flag) {
    return PostgresUsageRollup.hasFlag(flag);
  }

  /** jsonb's text is a JSON array too, and one array always prints the same. */
  @Override
  String tagList() {
    return "tags::text";
  }

  /** An exact element of the jsonb array, through the GIN index. */
  @Override
  String hasTag(String tag, List<Object> args) {
    args.add(tag);
    return "tags @> jsonb_build_array(CAST(? AS text))";
  }

  /** Exact: {@code extract(epoch)} is numeric. */
  @Override
  String epochMicros(String column) {
    return "(extract(epoch FROM " + column + ") * 1000000)::bigint";
  }

  @Override
  String divide(String micros, long by) {
    return micros + " / " + by; // bigint by bigint: integer division
  }

  @Override
  String ttftMillis() {
    return PostgresUsageRollup.TTFT_MILLIS;
  }

  /** PostgreSQL 15 has no any_value. */
  @Override
  String anyValue(String column) {
    return "min(" + column + ")";
  }
}
