package dev.tollgate.auth;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.PermissionDeniedException;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * What the caller of an admin route may see and change. Every {@code /api/v1} handler reads it with
 * {@link #of} and narrows its query or checks the object it touches: this is the one seam tenant
 * isolation goes through.
 *
 * @param actor who is calling (a user id, or {@code master})
 * @param orgId the only org the caller sees; empty means every org (the master key)
 * @param projectId the only project the caller sees inside that org; empty means every project of it
 * @param mayWrite false for read-only roles
 */
public record AdminScope(String actor, Optional<String> orgId, Optional<String> projectId, boolean mayWrite) {
  public static final String CONTEXT_KEY = "tollgate.adminScope";

  public AdminScope {
    requireNonNull(actor, "actor");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    if (projectId.isPresent() && orgId.isEmpty()) {
      throw new IllegalArgumentException("a project scope needs its org");
    }
  }

  /** The master key: every org, every project, may change anything. */
  public static AdminScope everything(String actor) {
    return new AdminScope(actor, Optional.empty(), Optional.empty(), true);
  }

  /** The scope the admin guard put on this request. */
  public static AdminScope of(RoutingContext ctx) {
    AdminScope scope = ctx.get(CONTEXT_KEY);
    if (scope == null) {
      throw new IllegalStateException("no admin scope on " + ctx.request().path() + ": the route is not behind the admin guard");
    }
    return scope;
  }

  /** Whether an object owned by this org and project is visible to the caller. */
  public boolean covers(Optional<String> objectOrg, Optional<String> objectProject) {
    if (orgId.isEmpty()) {
      return true;
    }
    if (!orgId.equals(objectOrg)) {
      return false;
    }
    return projectId.isEmpty() || projectId.equals(objectProject);
  }

  /** Throws 403 unless the caller may change things. */
  public void requireWrite() {
    if (!mayWrite) {
      throw new PermissionDeniedException("read_only", "'" + actor + "' has a read-only role");
    }
  }
}
