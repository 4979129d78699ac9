package dev.tollgate.budgets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.audit.Audit;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.auth.Ownership;
import dev.tollgate.common.Ids;
import dev.tollgate.common.Json;
import dev.tollgate.common.Money;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code /api/v1/budgets}: create, list, get, update ({@code PATCH}), delete, and
 * {@code GET /api/v1/budgets/{id}/status}. Lists are narrowed to the caller's org and project, objects are
 * checked with {@link AdminScope#covers}, changes need {@link AdminScope#requireWrite} and are audited.
 */
public final class BudgetRoutes {
  private final Budgets budgets;
  private final Ownership ownership;
  private final Audit audit;
  private final Clock clock;

  public BudgetRoutes(Budgets budgets, Ownership ownership, Audit audit, Clock clock) {
    this.budgets = requireNonNull(budgets, "budgets");
    this.ownership = requireNonNull(ownership, "ownership");
    this.audit = requireNonNull(audit, "audit");
    this.clock = requireNonNull(clock, "clock");
  }

  public void register(Router router) {
    router.post("/api/v1/budgets").handler(this::create);
    router.get("/api/v1/budgets").handler(this::list);
    router.get("/api/v1/budgets/:id").handler(ctx -> Web.json(ctx, 200, BudgetJson.render(visible(ctx))));
    router.patch("/api/v1/budgets/:id").handler(this::update);
    router.delete("/api/v1/budgets/:id").handler(this::delete);
    router.get("/api/v1/budgets/:id/status").handler(this::status);
  }

  private Budget visible(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminScope scope = AdminScope.of(ctx);
    return budgets.find(id).filter(b -> scope.covers(b.orgId(), b.projectId()))
        .orElseThrow(() -> new NotFoundException("budget", id));
  }

  private void list(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    ObjectNode out = Json.object().put("object", "list");
    ArrayNode data = out.putArray("data");
    budgets.all().stream().filter(b -> scope.covers(b.orgId(), b.projectId())).forEach(b -> data.add(BudgetJson.render(b)));
    Web.json(ctx, 200, out);
  }

  private void create(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    scope.requireWrite();
    ObjectNode body = Json.parseObject(Web.bodyBytes(ctx));
    Optional<String> org = scope.orgId().or(() -> text(body, "org_id"));
    Optional<String> project = scope.projectId().or(() -> text(body, "project_id"));
    Instant now = clock.instant();
    Budget b = ownedBy(scope, BudgetJson.parse(body, Ids.prefixed("budget"), org, project, now, now));
    owned(scope, b);
    Web.blocking(ctx, 201, () -> {
      budgets.create(b);
      ObjectNode rendered = BudgetJson.render(b);
      audit.record(ctx, "budget.create", "budget", b.id(), Optional.empty(), Optional.of(rendered));
      return rendered;
    });
  }

  private void update(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    scope.requireWrite();
    Budget current = visible(ctx);
    ObjectNode patch = Json.parseObject(Web.bodyBytes(ctx));
    ObjectNode before = BudgetJson.render(current);
    ObjectNode merged = before.deepCopy();
    patch.properties().forEach(e -> {
      if (!e.getKey().equals("id") && !e.getKey().equals("org_id") && !e.getKey().equals("project_id")
          && !e.getKey().equals("created_at")) {
        merged.set(e.getKey(), e.getValue());
      }
    });
    Budget next = ownedBy(scope, BudgetJson.parse(merged, current.id(), current.orgId(), current.projectId(),
        current.createdAt(), clock.instant()));
    owned(scope, next);
    Web.blocking(ctx, 200, () -> {
      budgets.update(next);
      ObjectNode after = BudgetJson.render(next);
      audit.record(ctx, "budget.update", "budget", next.id(), Optional.of(before), Optional.of(after));
      return after;
    });
  }

  private void delete(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    scope.requireWrite();
    Budget current = visible(ctx);
    Web.blocking(ctx, 200, () -> {
      budgets.delete(current.id());
      audit.record(ctx, "budget.delete", "budget", current.id(), Optional.of(BudgetJson.render(current)), Optional.empty());
      return Json.object().put("id", current.id()).put("object", "budget").put("deleted", true);
    });
  }

  private void status(RoutingContext ctx) {
    Budget b = visible(ctx);
    budgets.status(b).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Web.json(ctx, 200, render(ar.result()));
    });
  }

  static ObjectNode render(Budgets.Status s) {
    Budget b = s.budget();
    ObjectNode o = Json.object().put("object", "budget_status").put("budget_id", b.id()).put("name", b.name())
        .put("period", b.period().wire()).put("period_key", s.window().key()).put("period_start", s.window().start().toString());
    s.window().end().ifPresentOrElse(e -> o.put("period_end", e.toString()), () -> o.putNull("period_end"));
    o.put("amount_usd", Money.usd(b.amountNanos())).put("spent_usd", Money.usd(s.spentNanos()))
        .put("reserved_usd", Money.usd(s.reservedNanos())).put("remaining_usd", Money.usd(s.remainingNanos()))
        .put("utilisation_percent", b.amountNanos() == 0 ? "0"
            : java.math.BigDecimal.valueOf(s.spentNanos()).multiply(java.math.BigDecimal.valueOf(100))
                .divide(java.math.BigDecimal.valueOf(b.amountNanos()), 2, java.math.RoundingMode.HALF_UP).toPlainString())
        .put("burn_rate_usd_per_hour", Money.usd(s.burnNanosPerHour()));
    s.projectedNanos().ifPresentOrElse(p -> o.put("projected_period_spend_usd", Money.usd(p)), () -> o.putNull("projected_period_spend_usd"));
    s.exhaustionAt().ifPresentOrElse(t -> o.put("projected_exhaustion_at", t.toString()), () -> o.putNull("projected_exhaustion_at"));
    o.put("action", b.action().wire()).put("exhausted", s.remainingNanos() == 0).put("as_of", s.at().toString());
    return o;
  }

  /**
   * A budget on an org, project or key belongs to that object's org and project (404 when the caller's
   * scope does not cover it); one on an end user or a tag belongs to the caller's scope.
   */
  private Budget ownedBy(AdminScope scope, Budget b) {
    String kind = switch (b.scope()) {
      case ORG -> "org";
      case PROJECT -> "project";
      case KEY -> "key";
      default -> "";
    };
    if (kind.isEmpty()) {
      return b;
    }
    Ownership.Owner owner = ownership.require(scope, kind, b.scopeValue());
    return b.ownedBy(owner.orgId(), owner.projectId());
  }

  private static void owned(AdminScope scope, Budget b) {
    if (b.scope() == Budget.Scope.ORG && scope.orgId().isPresent() && !scope.orgId().get().equals(b.scopeValue())) {
      throw new PermissionDeniedException("out_of_scope", "scope_value: " + b.scopeValue() + " (expected: the caller's org "
          + scope.orgId().get() + ")");
    }
    if (!scope.covers(b.orgId(), b.projectId())) {
      throw new PermissionDeniedException("out_of_scope", "budget owner " + b.orgId().orElse("-") + "/" + b.projectId().orElse("-")
          + " (expected: inside the caller's org" + scope.orgId().map(o -> " " + o).orElse("") + ")");
    }
  }

  private static Optional<String> text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() || !v.isTextual() ? Optional.empty() : Optional.of(v.asText());
  }
}
