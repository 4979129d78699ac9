package dev.tollgate.alerts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One alert that fired. {@code dedupKey} is unique in the store: the same threshold of the same budget in
 * the same period alerts once per rule.
 *
 * @param severity {@code info}, {@code warning} or {@code critical} (PagerDuty's vocabulary)
 */
public record AlertEvent(String id, String ruleId, AlertRule.Type type, String dedupKey, String severity, String summary,
                         ObjectNode details, Optional<String> orgId, Optional<String> projectId, Instant at) {
  public AlertEvent {
    requireNonNull(id, "id");
    requireNonNull(ruleId, "ruleId");
    requireNonNull(type, "type");
    requireNonNull(dedupKey, "dedupKey");
    requireNonNull(severity, "severity");
    requireNonNull(summary, "summary");
    requireNonNull(details, "details");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(at, "at");
  }
}
