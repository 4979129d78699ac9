package dev.tollgate.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Filters of the audit log, newest first. {@code orgId}/{@code projectId} are set by tenant scoping;
 * {@code cursor} is the {@code next_cursor} of the previous page.
 *
 * @param action an exact action ({@code key.create}) or a prefix ending in a dot ({@code key.})
 */
public record AuditQuery(Optional<Instant> from, Optional<Instant> to, Optional<String> actor, Optional<String> action,
                         Optional<String> targetType, Optional<String> targetId, Optional<String> orgId,
                         Optional<String> projectId, int limit, Optional<String> cursor) {
  public static final int MAX_LIMIT = 1000;

  public static AuditQuery latest(int limit) {
    return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), limit, Optional.empty());
  }

  public AuditQuery withScope(Optional<String> org, Optional<String> project) {
    return new AuditQuery(from, to, actor, action, targetType, targetId, org, project, limit, cursor);
  }
}
