package dev.tollgate.alerts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.audit.Audit;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.auth.Ownership;
import dev.tollgate.common.Ids;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code /api/v1/alerts/rules} (create, list, get, delete, {@code POST .../{id}/test}),
 * {@code GET /api/v1/alerts/events} (alert history, newest first) and
 * {@code GET /api/v1/alerts/events/{id}/deliveries} (the delivery log). Secrets are never rendered.
 */
public final class AlertRoutes {
  private final Alerts alerts;
  private final Ownership ownership;
  private final Audit audit;
  private final Clock clock;

  public AlertRoutes(Alerts alerts, Ownership ownership, Audit audit, Clock clock) {
    this.alerts = requireNonNull(alerts, "alerts");
    this.ownership = requireNonNull(ownership, "ownership");
    this.audit = requireNonNull(audit, "audit");
    this.clock = requireNonNull(clock, "clock");
  }

  public void register(Router router) {
    router.post("/api/v1/alerts/rules").handler(this::create);
    router.get("/api/v1/alerts/rules").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      ObjectNode out = Json.object().put("object", "list");
      ArrayNode data = out.putArray("data");
      alerts.rules().stream().filter(r -> scope.covers(r.orgId(), r.projectId())).forEach(r -> data.add(AlertJson.render(r, false)));
      Web.json(ctx, 200, out);
    });
    router.get("/api/v1/alerts/rules/:id").handler(ctx -> Web.json(ctx, 200, AlertJson.render(visible(ctx), false)));
    router.delete("/api/v1/alerts/rules/:id").handler(this::delete);
    router.post("/api/v1/alerts/rules/:id/test").handler(ctx -> {
      AdminScope.of(ctx).requireWrite();
      AlertRule rule = visible(ctx);
      Web.blocking(ctx, 202, () -> AlertJson.render(alerts.test(rule)));
    });
    router.get("/api/v1/alerts/events").handler(this::events);
    router.get("/api/v1/alerts/events/:id/deliveries").handler(ctx -> {
      AdminScope scope = AdminScope.of(ctx);
      String id = ctx.pathParam("id");
      Web.blocking(ctx, 200, () -> {
        AlertEvent e = alerts.store().event(id).filter(x -> scope.covers(x.orgId(), x.projectId()))
            .orElseThrow(() -> new NotFoundException("alert event", id));
        ObjectNode out = Json.object().put("object", "list");
        ArrayNode data = out.putArray("data");
        alerts.store().deliveries(e.id()).forEach(d -> data.add(AlertJson.render(d)));
        return out;
      });
    });
  }

  private AlertRule visible(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminScope scope = AdminScope.of(ctx);
    return alerts.find(id).filter(r -> scope.covers(r.orgId(), r.projectId()))
        .orElseThrow(() -> new NotFoundException("alert rule", id));
  }

  private void create(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    scope.requireWrite();
    ObjectNode body = Json.parseObject(Web.bodyBytes(ctx));
    Optional<String> org = scope.orgId().or(() -> text(body, "org_id"));
    Optional<String> project = scope.projectId().or(() -> text(body, "project_id"));
    AlertRule rule = AlertJson.parse(body, Ids.prefixed("arule"), org, project, clock.instant());
    if (!scope.covers(rule.orgId(), rule.projectId())) {
      throw new PermissionDeniedException("out_of_scope", "alert rule owner " + rule.orgId().orElse("-") + " (expected: the caller's org)");
    }
    rule.budgetId().ifPresent(b -> ownership.require(scope, "budget", b)); // another tenant's budget is a 404
    Web.blocking(ctx, 201, () -> {
      alerts.add(rule);
      ObjectNode rendered = AlertJson.render(rule, false);
      audit.record(ctx, "alert_rule.create", "alert_rule", rule.id(), Optional.empty(), Optional.of(rendered));
      return rendered;
    });
  }

  private void delete(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    scope.requireWrite();
    AlertRule rule = visible(ctx);
    Web.blocking(ctx, 200, () -> {
      alerts.remove(rule.id());
      audit.record(ctx, "alert_rule.delete", "alert_rule", rule.id(), Optional.of(AlertJson.render(rule, false)), Optional.empty());
      return Json.object().put("id", rule.id()).put("object", "alert_rule").put("deleted", true);
    });
  }

  private void events(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    int limit = 100;
    String l = ctx.request().getParam("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 1000) {
        throw new InvalidRequestException("limit", "limit: " + l + " (expected: 1..1000)");
      }
    }
    int n = limit;
    Web.blocking(ctx, 200, () -> {
      ObjectNode out = Json.object().put("object", "list");
      ArrayNode data = out.putArray("data");
      alerts.store().events(scope.orgId(), scope.projectId(), n).forEach(e -> data.add(AlertJson.render(e)));
      return out;
    });
  }

  private static Optional<String> text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() || !v.isTextual() ? Optional.empty() : Optional.of(v.asText());
  }
}
