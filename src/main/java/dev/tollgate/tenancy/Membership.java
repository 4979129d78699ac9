package dev.tollgate.tenancy;

import static java.util.Objects.requireNonNull;

import dev.tollgate.auth.AdminRole;
import java.time.Instant;
import java.util.Optional;

/**
 * A role of a user on a scope: the whole gateway (no org), an org (no project) or one project.
 */
public record Membership(String id, String userId, Optional<String> orgId, Optional<String> projectId, AdminRole role,
                         Instant createdAt) {
  public Membership {
    requireNonNull(id, "id");
    requireNonNull(userId, "userId");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(role, "role");
    requireNonNull(createdAt, "createdAt");
    if (projectId.isPresent() && orgId.isEmpty()) {
      throw new IllegalArgumentException("a project role needs its org");
    }
  }

  public boolean global() {
    return orgId.isEmpty();
  }

  /** Whether this role applies to (org, project): a global role everywhere, an org role in its org ... */
  public boolean appliesTo(String org, Optional<String> project) {
    if (orgId.isEmpty()) {
      return true;
    }
    if (!orgId.get().equals(org)) {
      return false;
    }
    return projectId.isEmpty() || projectId.equals(project);
  }
}
