package dev.tollgate.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.web.Pages;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * {@code GET /api/v1/audit}: the audit log, newest first, filtered, with cursor pagination. Read-only on
 * purpose: no route changes or deletes an entry. Scoped callers see the entries of their org (or project);
 * gateway-wide entries (prices, signing keys, orgs created) only the global scope sees.
 */
public final class AuditRoutes {
  private final AuditStore store;
  private final java.util.function.BiPredicate<AdminScope, String> projectVisible;

  /** @param projectVisible whether a project exists in the caller's scope (naming another one is a 404) */
  public AuditRoutes(AuditStore store, java.util.function.BiPredicate<AdminScope, String> projectVisible) {
    this.store = store;
    this.projectVisible = projectVisible;
  }

  public void register(Router router) {
    router.get("/api/v1/audit").handler(this::list);
  }

  private void list(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    Optional<String> org = Pages.param(ctx, "org_id");
    Optional<String> project = Pages.param(ctx, "project_id");
    if (!scope.isGlobal() && !scope.covers(org.or(scope::orgId), project.or(scope::projectId))) {
      throw new PermissionDeniedException("outside_scope", "'" + scope.actor() + "' may not read the audit log outside its own "
          + (scope.projectId().isPresent() ? "project" : "org"));
    }
    if (!scope.isGlobal() && project.isPresent() && !projectVisible.test(scope, project.get())) {
      throw new dev.tollgate.common.NotFoundException("project", project.get());
    }
    AuditQuery q = new AuditQuery(instant(ctx, "from"), instant(ctx, "to"), Pages.param(ctx, "actor"),
        Pages.param(ctx, "action"), Pages.param(ctx, "target_type"), Pages.param(ctx, "target_id"),
        scope.orgId().or(() -> org), scope.projectId().or(() -> project), Pages.limit(ctx), Pages.param(ctx, "cursor"));
    Web.blocking(ctx, 200, () -> {
      AuditStore.Page page = store.query(q);
      ObjectNode out = Json.object().put("object", "list");
      ArrayNode data = out.putArray("data");
      page.entries().forEach(e -> data.add(render(e)));
      out.put("has_more", page.nextCursor().isPresent());
      page.nextCursor().ifPresentOrElse(c -> out.put("next_cursor", c), () -> out.putNull("next_cursor"));
      return out;
    });
  }

  public static ObjectNode render(AuditEntry e) {
    ObjectNode o = Json.object().put("id", e.seq()).put("object", "audit_entry").put("at", e.at().toString())
        .put("actor", e.actor());
    e.actorEmail().ifPresentOrElse(v -> o.put("actor_email", v), () -> o.putNull("actor_email"));
    o.put("action", e.action()).put("target_type", e.targetType()).put("target_id", e.targetId());
    e.orgId().ifPresentOrElse(v -> o.put("org_id", v), () -> o.putNull("org_id"));
    e.projectId().ifPresentOrElse(v -> o.put("project_id", v), () -> o.putNull("project_id"));
    e.before().ifPresentOrElse(v -> o.set("before", v), () -> o.putNull("before"));
    e.after().ifPresentOrElse(v -> o.set("after", v), () -> o.putNull("after"));
    e.sourceIp().ifPresentOrElse(v -> o.put("source_ip", v), () -> o.putNull("source_ip"));
    e.requestId().ifPresentOrElse(v -> o.put("request_id", v), () -> o.putNull("request_id"));
    return o;
  }

  private static Optional<Instant> instant(RoutingContext ctx, String name) {
    return Pages.param(ctx, name).map(v -> {
      try {
        return Instant.parse(v);
      } catch (DateTimeParseException e) {
        throw new InvalidRequestException(name, name + ": '" + v + "' (expected: an ISO-8601 instant such as 2026-11-01T00:00:00Z)");
      }
    });
  }
}
