package dev.tollgate.audit;

import java.util.List;
import java.util.Optional;

/**
 * Where the audit log lives. Append and read only: there is deliberately no update or delete.
 * Implementations live in {@code dev.tollgate.storage}.
 */
public interface AuditStore {
  /** Stores the entry and returns it with its sequence number. */
  AuditEntry append(AuditEntry entry);

  /** One page, newest first. */
  Page query(AuditQuery query);

  record Page(List<AuditEntry> entries, Optional<String> nextCursor) {
    public Page {
      entries = List.copyOf(entries);
    }
  }
}
