package dev.tollgate.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One row of the audit log.
 *
 * @param seq the position in the log (assigned by the store; 0 before it is stored)
 * @param actor {@code master} or a user id
 * @param actorEmail the user's email at the time, for people reading the log
 * @param orgId the org the changed object belongs to (empty: gateway-wide, e.g. prices, signing keys)
 */
public record AuditEntry(long seq, Instant at, String actor, Optional<String> actorEmail, Optional<String> orgId,
                         Optional<String> projectId, String action, String targetType, String targetId,
                         Optional<JsonNode> before, Optional<JsonNode> after, Optional<String> sourceIp,
                         Optional<String> requestId) {
  public AuditEntry {
    requireNonNull(at, "at");
    requireNonNull(actor, "actor");
    requireNonNull(actorEmail, "actorEmail");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(action, "action");
    requireNonNull(targetType, "targetType");
    requireNonNull(targetId, "targetId");
    requireNonNull(before, "before");
    requireNonNull(after, "after");
    requireNonNull(sourceIp, "sourceIp");
    requireNonNull(requestId, "requestId");
  }
}
