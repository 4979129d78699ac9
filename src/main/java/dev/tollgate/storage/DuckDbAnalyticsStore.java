package dev.tollgate.storage;

import dev.tollgate.usage.UsageFlag;
import java.util.List;

/** Analytics on DuckDB: {@link JdbcAnalyticsStore} with DuckDB's functions. */
public final class DuckDbAnalyticsStore extends JdbcAnalyticsStore {
  public DuckDbAnalyticsStore(Database db) {
    this(db, true);
  }

  /** @param rollups false: every query reads the raw table (what the rollup answers are tested against) */
  public DuckDbAnalyticsStore(Database db, boolean rollups) {
    super(db::connection, SqlTime.DUCKDB, rollups);
  }

  @Override
  String hasFlag(UsageFlag flag) {
    return "contains(flags, '" + flag.name() + "')";
  }

  @Override
  String tagList() {
    return "tags";
  }

  /** The tag as it appears inside the JSON array text, quotes included: an exact element match. */
  @Override
  String hasTag(String tag, List<Object> args) {
    String quoted = DuckDbUsageStore.tagsJson(List.of(tag));
    args.add(quoted.substring(1, quoted.length() - 1));
    return "contains(tags, ?)";
  }

  @Override
  String epochMicros(String column) {
    return "epoch_us(" + column + ")";
  }

  @Override
  String divide(String micros, long by) {
    return micros + " // " + by;
  }

  @Override
  String ttftMillis() {
    return "date_diff('millisecond', started_at, first_token_at)";
  }

  @Override
  String anyValue(String column) {
    return "any_value(" + column + ")";
  }
}
