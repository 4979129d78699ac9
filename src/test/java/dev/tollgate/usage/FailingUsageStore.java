package dev.tollgate.usage;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store behind switches: while {@link #failing} is set, every write throws before reaching it (reads
 * still answer, as with a full disk); a batch holding a record {@link #refusing} matches throws a data error
 * (SQLSTATE 22021, as PostgreSQL does for a NUL character) and stores nothing, as a real store's transaction.
 */
final class FailingUsageStore implements UsageStore {
  private final UsageStore delegate;
  private volatile boolean failing;
  private volatile java.util.function.Predicate<UsageRecord> refusing = r -> false;
  final AtomicInteger failedWrites = new AtomicInteger();

  FailingUsageStore(UsageStore delegate) {
    this.delegate = delegate;
  }

  void failing(boolean failing) {
    this.failing = failing;
  }

  void refusing(java.util.function.Predicate<UsageRecord> refusing) {
    this.refusing = refusing;
  }

  private void check(List<UsageRecord> batch) {
    if (failing) {
      failedWrites.incrementAndGet();
      throw new IllegalStateException("store down (test)");
    }
    if (batch.stream().anyMatch(refusing)) {
      failedWrites.incrementAndGet();
      throw new IllegalStateException("cannot append usage records (test)",
          new java.sql.SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));
    }
  }

  @Override
  public void append(List<UsageRecord> batch) {
    check(batch);
    delegate.append(batch);
  }

  @Override
  public int appendIfAbsent(List<UsageRecord> batch) {
    check(batch);
    return delegate.appendIfAbsent(batch);
  }

  @Override
  public UsagePage query(UsageQuery query) {
    return delegate.query(query);
  }

  @Override
  public long export(UsageQuery filters, java.util.function.Consumer<UsageRecord> sink) {
    return delegate.export(filters, sink);
  }

  @Override
  public long count() {
    return delegate.count();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
