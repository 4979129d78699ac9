package dev.tollgate.routing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.audit.Audit;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code GET /api/v1/deployments}, {@code PATCH /api/v1/deployments/{model}/{id}} (enable, disable, weight; stored,
 * so they outlive a restart and reach every replica: DeploymentOverrides) and {@code GET /api/v1/providers/health} (breaker
 * states, recent error rates, latency EWMA, requests in flight). Deployments are gateway-wide, so changes
 * need a global admin scope. Never shows a credential.
 */
public final class DeploymentRoutes {
  private static final Set<String> PATCH_KEYS = Set.of("enabled", "weight");

  private final Deployments deployments;
  private final DeploymentOverrides overrides;
  private final Audit audit;

  public DeploymentRoutes(Deployments deployments, DeploymentOverrides overrides, Audit audit) {
    this.deployments = requireNonNull(deployments, "deployments");
    this.overrides = requireNonNull(overrides, "overrides");
    this.audit = requireNonNull(audit, "audit");
  }

  public void register(Router router) {
    router.get("/api/v1/deployments").handler(this::list);
    // model names may hold a slash (anthropic/claude-...); the name is the documented path
    router.patchWithRegex("/api/v1/deployments/(?<model>.+)/(?<id>[^/]+)").setName("/api/v1/deployments/:model/:id")
        .handler(this::patch);
    router.get("/api/v1/providers/health").handler(this::health);
  }

  private void list(RoutingContext ctx) {
    AdminScope.of(ctx);
    ObjectNode out = Json.object().put("object", "list");
    ArrayNode data = out.putArray("data");
    for (Deployment d : deployments.all()) {
      data.add(view(d));
    }
    Web.json(ctx, 200, out);
  }

  private void patch(RoutingContext ctx) {
    AdminScope scope = AdminScope.of(ctx);
    if (scope.orgId().isPresent()) {
      throw new PermissionDeniedException("global_scope_required", "deployments are shared by every org: changing them needs a global admin");
    }
    scope.requireWrite();
    String model = ctx.pathParam("model");
    String id = ctx.pathParam("id");
    Deployment d = deployments.find(model, id).orElseThrow(() -> new NotFoundException("deployment", model + "/" + id));
    ObjectNode body = Json.parseObject(Web.bodyBytes(ctx));
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!PATCH_KEYS.contains(k)) {
        throw new InvalidRequestException(k, k + ": unknown field (expected: enabled, weight)");
      }
    }
    JsonNode enabled = body.get("enabled");
    if (enabled != null && !enabled.isBoolean()) {
      throw new InvalidRequestException("enabled", "enabled: " + enabled + " (expected: true or false)");
    }
    JsonNode weight = body.get("weight");
    if (weight != null && !(weight.isIntegralNumber() && weight.asLong() >= 0 && weight.asLong() <= 1_000_000)) {
      throw new InvalidRequestException("weight", "weight: " + weight + " (expected: an integer 0..1000000)");
    }
    if (enabled == null && weight == null) {
      throw new InvalidRequestException(null, "body: {} (expected: enabled and/or weight)");
    }
    Web.blocking(ctx, 200, () -> {
      ObjectNode before = view(d);
      overrides.change(d, enabled == null ? Optional.empty() : Optional.of(enabled.asBoolean()),
          weight == null ? OptionalInt.empty() : OptionalInt.of(weight.asInt()));
      ObjectNode after = view(d);
      audit.record(ctx, "deployment.update", "deployment", d.qualifiedId(), Optional.of(before), Optional.of(after));
      return after;
    });
  }

  private void health(RoutingContext ctx) {
    AdminScope.of(ctx);
    ObjectNode out = Json.object().put("object", "provider_health");
    ArrayNode data = out.putArray("deployments");
    Map<String, ObjectNode> providers = new LinkedHashMap<>();
    for (Deployment d : deployments.all()) {
      Deployment.Health h = d.health();
      ObjectNode row = data.addObject()
          .put("deployment", h.deployment()).put("model", h.model()).put("id", h.id()).put("provider", h.provider())
          .put("upstream_model", h.upstreamModel()).put("enabled", h.enabled())
          .put("breaker", h.breaker().name().toLowerCase(java.util.Locale.ROOT)).put("in_flight", h.inFlight())
          .put("recent_calls", h.recentCalls()).put("recent_errors", h.recentErrors())
          .put("recent_error_rate", h.recentErrorRate()).put("total_calls", h.totalCalls())
          .put("total_failures", h.totalFailures());
      h.region().ifPresentOrElse(r -> row.put("region", r), () -> row.putNull("region"));
      if (h.latencyEwmaMs().isPresent()) {
        row.put("latency_ewma_ms", h.latencyEwmaMs().getAsDouble());
      } else {
        row.putNull("latency_ewma_ms");
      }
      ObjectNode p = providers.computeIfAbsent(h.provider(), k -> Json.object().put("provider", k).put("deployments", 0)
          .put("open_breakers", 0).put("in_flight", 0).put("recent_calls", 0).put("recent_errors", 0));
      p.put("deployments", p.get("deployments").asInt() + 1);
      p.put("open_breakers", p.get("open_breakers").asInt() + (h.breaker() == CircuitBreaker.State.CLOSED ? 0 : 1));
      p.put("in_flight", p.get("in_flight").asInt() + h.inFlight());
      p.put("recent_calls", p.get("recent_calls").asInt() + h.recentCalls());
      p.put("recent_errors", p.get("recent_errors").asInt() + h.recentErrors());
    }
    ArrayNode byProvider = out.putArray("providers");
    providers.values().forEach(p -> {
      int calls = p.get("recent_calls").asInt();
      p.put("recent_error_rate", calls == 0 ? 0 : p.get("recent_errors").asDouble() / calls);
      byProvider.add(p);
    });
    Web.json(ctx, 200, out);
  }

  private static ObjectNode view(Deployment d) {
    ModelConfig t = d.target();
    ObjectNode o = Json.object().put("deployment", d.qualifiedId()).put("model", d.model()).put("id", d.id())
        .put("provider", t.provider()).put("upstream_model", t.upstreamModel()).put("weight", d.weight())
        .put("configured_weight", t.weight()).put("priority", t.priority()).put("enabled", d.enabled())
        .put("breaker", d.breaker().state().name().toLowerCase(java.util.Locale.ROOT));
    t.baseUrl().ifPresentOrElse(u -> o.put("base_url", u), () -> o.putNull("base_url"));
    t.region().ifPresentOrElse(r -> o.put("region", r), () -> o.putNull("region"));
    o.put("strategy", t.strategy().map(Strategy::label).orElse(null));
    ArrayNode fb = o.putArray("fallbacks");
    t.fallbacks().forEach(fb::add);
    if (t.contextWindow().isPresent()) {
      o.put("context_window", t.contextWindow().getAsLong());
    } else {
      o.putNull("context_window");
    }
    return o;
  }
}
