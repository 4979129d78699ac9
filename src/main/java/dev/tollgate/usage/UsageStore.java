package dev.tollgate.usage;

import java.util.List;

/** The usage ledger's storage. Implementations live in {@code dev.tollgate.storage}. */
public interface UsageStore extends AutoCloseable {
  /** Appends a batch atomically (all or nothing). The fast path: no duplicate check. */
  void append(List<UsageRecord> batch);

  /**
   * Appends the records of a batch whose (requestId, attempt) is not stored yet: the replay path after a
   * crash, where part of a batch may already have reached the store.
   *
   * @return how many records were new
   */
  int appendIfAbsent(List<UsageRecord> batch);

  /** Newest first, filtered, with cursor pagination. */
  UsagePage query(UsageQuery query);

  /**
   * Every row matching the query's filters, oldest first, streamed to {@code sink} (limit and cursor are
   * ignored): the export path, which must not hold a whole ledger in memory.
   *
   * @return how many rows were exported
   */
  long export(UsageQuery filters, java.util.function.Consumer<UsageRecord> sink);

  long count();

  /** Releases what the store keeps open between writes; call it before closing the database. */
  @Override
  default void close() {}
}
