package dev.tollgate.tenancy;

import static java.util.Objects.requireNonNull;

import dev.tollgate.auth.AdminRole;
import java.util.Optional;

/** A role to grant: on the whole gateway (no org), an org (no project) or a project of it. */
public record RoleGrant(AdminRole role, Optional<String> orgId, Optional<String> projectId) {
  public RoleGrant {
    requireNonNull(role, "role");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
  }
}
