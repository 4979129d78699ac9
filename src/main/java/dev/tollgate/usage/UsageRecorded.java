package dev.tollgate.usage;

import static java.util.Objects.requireNonNull;

/**
 * Published once per ledger row, right after the row was handed to the usage sink (so it is journaled or
 * queued, not necessarily in the store yet). Metrics, alerts and analytics subscribe to it; subscribers
 * run on the publishing event loop and must not block.
 */
public record UsageRecorded(UsageRecord record) {
  public UsageRecorded {
    requireNonNull(record, "record");
  }
}
