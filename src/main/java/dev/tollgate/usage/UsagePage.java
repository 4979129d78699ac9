package dev.tollgate.usage;

import java.util.List;
import java.util.Optional;

/** One page of ledger rows and the cursor of the next page, if any. */
public record UsagePage(List<UsageRecord> records, Optional<String> nextCursor) {
  public UsagePage {
    records = List.copyOf(records);
  }
}
