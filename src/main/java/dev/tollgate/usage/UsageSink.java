package dev.tollgate.usage;

/** Where the request path hands a finished record. Never blocks, never does I/O on the caller's thread. */
public interface UsageSink {
  void record(UsageRecord record);
}
