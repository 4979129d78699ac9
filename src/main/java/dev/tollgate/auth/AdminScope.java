package dev.tollgate.auth;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.PermissionDeniedException;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * What the caller of an admin route may see and change. Every {@code /api/v1} handler reads it with
 * {@link #of} and narrows its query or checks the object it touches: this is the one seam tenant
 * isolation goes through. {@code web/AdminGuard} builds it from the master key or a user's session and
 * the org/project the request picked ({@code x-tollgate-org}, {@code x-tollgate-project}); see
 * docs/tenancy.md.
 *
 * @param actor who is calling (a user id, or {@code master})
 * @param orgId the only org the caller sees; empty means every org (the master key, a global role)
 * @param projectId the only project the caller sees inside that org; empty means every project of it
 * @param mayWrite whether the caller administers the scope (owner or admin): changes projects, users,
 *     budgets and any other configuration. Members and viewers are false; members may still manage API
 *     keys ({@link #requireKeyWrite()})
 * @param role the caller's role in this scope
 */
public record AdminScope(String actor, Optional<String> orgId, Optional<String> projectId, boolean mayWrite,
                         AdminRole role) {
  public static final String CONTEXT_KEY = "tollgate.adminScope";

  public AdminScope {
    requireNonNull(actor, "actor");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(role, "role");
    if (projectId.isPresent() && orgId.isEmpty()) {
      throw new IllegalArgumentException("a project scope needs its org");
    }
    if (mayWrite != role.administers()) {
      throw new IllegalArgumentException("mayWrite=" + mayWrite + " does not fit role " + role);
    }
  }

  /** A scope from the write flag alone: an admin when it may write, else a viewer. */
  public AdminScope(String actor, Optional<String> orgId, Optional<String> projectId, boolean mayWrite) {
    this(actor, orgId, projectId, mayWrite, mayWrite ? AdminRole.ADMIN : AdminRole.VIEWER);
  }

  /** A user's scope: the write flag follows the role. */
  public static AdminScope of(String actor, Optional<String> orgId, Optional<String> projectId, AdminRole role) {
    return new AdminScope(actor, orgId, projectId, role.administers(), role);
  }

  /** The master key: every org, every project, may change anything. */
  public static AdminScope everything(String actor) {
    return new AdminScope(actor, Optional.empty(), Optional.empty(), true, AdminRole.OWNER);
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

  /** Whether the whole org (not only one of its projects) is visible to the caller. */
  public boolean coversOrg(String org) {
    return orgId.isEmpty() || (orgId.get().equals(org) && projectId.isEmpty());
  }

  /** Every org, every project (the master key, or a role granted on the whole gateway). */
  public boolean isGlobal() {
    return orgId.isEmpty();
  }

  /** Throws 403 unless the caller may change things. */
  public void requireWrite() {
    if (!mayWrite) {
      throw new PermissionDeniedException("read_only", "'" + actor + "' has a read-only role ("
          + role.wire() + ") here; this needs owner or admin");
    }
  }

  /** Throws 403 unless the caller may create, rotate and revoke API keys (member and above). */
  public void requireKeyWrite() {
    if (!role.atLeast(AdminRole.MEMBER)) {
      throw new PermissionDeniedException("read_only", "'" + actor + "' has a read-only role (" + role.wire() + ")");
    }
  }

  /** Throws 403 unless the caller administers the whole gateway (master key, global owner or admin). */
  public void requireGlobal() {
    if (!isGlobal() || !mayWrite) {
      throw new PermissionDeniedException("global_admin_required",
          "this changes the whole gateway: it needs the master key or a global owner/admin role");
    }
  }

  /** Throws 403 unless the caller administers the whole org (not just one project of it). */
  public void requireOrgAdmin(String org) {
    requireWrite();
    if (!coversOrg(org)) {
      throw new PermissionDeniedException("org_admin_required", "'" + actor + "' administers a project, not the org");
    }
  }
}
