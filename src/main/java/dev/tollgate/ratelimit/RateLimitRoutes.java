package dev.tollgate.ratelimit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.audit.Audit;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.auth.Ownership;
import dev.tollgate.common.Ids;
import dev.tollgate.common.Json;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Optional;

/** {@code /api/v1/rate-limits}: create, list, get, delete RPM/TPM rules (scoped and audited like budgets). */
public final class RateLimitRoutes {
  private final RateLimits limits;
  private final Ownership ownership;
  private final Audit audit;
  private final Clock clock;

  public RateLimitRoutes(RateLimits limits, Ownership ownership, Audit audit, Clock clock) {
    this.ownership = requireNonNull(ownership, "ownership");
    this.limits = requireNonNull(limits, "limits");
    this.audit = requireNonNull(audit, "audit");
    this.clock = requireNonNull(clock, "clock");
  }

  public void register(Router router) {
    router.post("/api/v1/rate-limits").handler(this::create);
    router.get("/api/v1/rate-limits").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      ObjectNode out = Json.object().put("object", "list");
      ArrayNode data = out.putArray("data");
      limits.all().stream().filter(r -> scope.covers(r.orgId(), r.projectId())).forEach(r -> data.add(RateLimitJson.render(r)));
      Web.json(ctx, 200, out);
    });
    router.get("/api/v1/rate-limits/:id").handler(ctx -> Web.json(ctx, 200, RateLimitJson.render(visible(ctx))));
    router.delete("/api/v1/rate-limits/:id").handler(this::delete);
  }

  private RateLimitRule visible(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminScope scope = AdminScope.of(ctx);
    return limits.find(id).filter(r -> scope.covers(r.orgId(), r.projectId()))
        .orElseThrow(() -> new NotFoundException("rate limit", id));
  }

  private void create(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    scope.requireWrite();
    ObjectNode body = Json.parseObject(Web.bodyBytes(ctx));
    Optional<String> org = scope.orgId().or(() -> text(body, "org_id"));
    Optional<String> project = scope.projectId().or(() -> text(body, "project_id"));
    RateLimitRule rule = owned(scope, RateLimitJson.parse(body, Ids.prefixed("rl"), org, project, clock.instant()));
    if (!scope.covers(rule.orgId(), rule.projectId())) {
      throw new PermissionDeniedException("out_of_scope", "rate limit owner " + rule.orgId().orElse("-") + " (expected: the caller's org)");
    }
    if (scope.orgId().isPresent() && rule.scope() == RateLimitRule.Scope.MODEL) {
      throw new PermissionDeniedException("out_of_scope", "scope: model (expected: key or project; model-wide limits apply to every org and need the master key)");
    }
    Web.blocking(ctx, 201, () -> {
      limits.add(rule);
      ObjectNode rendered = RateLimitJson.render(rule);
      audit.record(ctx, "rate_limit.create", "rate_limit", rule.id(), Optional.empty(), Optional.of(rendered));
      return rendered;
    });
  }

  /** A key or project limit belongs to that key's or project's owner (404 when the caller's scope does not cover it). */
  private RateLimitRule owned(AdminScope scope, RateLimitRule rule) {
    if (rule.scope() == RateLimitRule.Scope.MODEL) {
      return rule;
    }
    Ownership.Owner owner = ownership.require(scope, rule.scope() == RateLimitRule.Scope.KEY ? "key" : "project",
        rule.scopeValue());
    return rule.ownedBy(owner.orgId(), owner.projectId());
  }

  private void delete(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    scope.requireWrite();
    RateLimitRule rule = visible(ctx);
    Web.blocking(ctx, 200, () -> {
      limits.remove(rule.id());
      audit.record(ctx, "rate_limit.delete", "rate_limit", rule.id(), Optional.of(RateLimitJson.render(rule)), Optional.empty());
      return Json.object().put("id", rule.id()).put("object", "rate_limit").put("deleted", true);
    });
  }

  private static Optional<String> text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() || !v.isTextual() ? Optional.empty() : Optional.of(v.asText());
  }
}
