package dev.tollgate.usage;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A real store behind a switch: while {@link #failing} is set, every write throws before reaching it. */
final class FailingUsageStore implements UsageStore {
  private final UsageStore delegate;
  private volatile boolean failing;
  final AtomicInteger failedWrites = new AtomicInteger();

  FailingUsageStore(UsageStore delegate) {
    this.delegate = delegate;
  }

  void failing(boolean failing) {
    this.failing = failing;
  }

  private void check() {
    if (failing) {
      failedWrites.incrementAndGet();
      throw new IllegalStateException("store down (test)");
    }
  }

  @Override
  public void append(List<UsageRecord> batch) {
    check();
    delegate.append(batch);
  }

  @Override
  public int appendIfAbsent(List<UsageRecord> batch) {
    check();
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
