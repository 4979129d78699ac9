package dev.tollgate.usage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.AdminScope;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.common.Json;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** {@code GET /api/v1/usage}: the ledger, newest first, filtered, with cursor pagination. */
public final class UsageRoutes {
  private final UsageStore store;
  private final java.util.function.BiPredicate<AdminScope, String> projectVisible;

  public UsageRoutes(UsageStore store) {
    this(store, (scope, project) -> true);
  }

  /** @param projectVisible whether a project exists in the caller's scope (naming another one is a 404) */
  public UsageRoutes(UsageStore store, java.util.function.BiPredicate<AdminScope, String> projectVisible) {
    this.store = store;
    this.projectVisible = projectVisible;
  }

  public void register(Router router) {
    router.get("/api/v1/usage").handler(this::list);
    router.get("/api/v1/usage/export").handler(this::export);
  }

  /**
   * Filters shared by listing and export: {@code from, to, key_id, user, model, provider, endpoint, tag, status,
   * org, project}.
   */
  UsageQuery query(RoutingContext ctx) {
    UsageQuery q = query(ctx, AdminScope.of(ctx));
    AdminScope scope = AdminScope.of(ctx);
    if (!scope.isGlobal() && param(ctx, "project").isPresent() && !projectVisible.test(scope, param(ctx, "project").get())) {
      throw new dev.tollgate.common.NotFoundException("project", param(ctx, "project").get());
    }
    return q;
  }

  static UsageQuery query(RoutingContext ctx, AdminScope scope) {
    UsageQuery asked = new UsageQuery(
        instant(ctx, "from"), instant(ctx, "to"), param(ctx, "key_id"), param(ctx, "user"), param(ctx, "model"),
        param(ctx, "provider"), param(ctx, "endpoint"), param(ctx, "tag"),
        param(ctx, "status").map(s -> integer("status", s, 100, 599)),
        param(ctx, "limit").map(s -> integer("limit", s, 1, UsageQuery.MAX_LIMIT)).orElse(100),
        param(ctx, "cursor"), param(ctx, "org"), param(ctx, "project"));
    if (scope.orgId().isEmpty()) {
      return asked;
    }
    // A scoped caller sees only its own org (and project); naming another one is refused, not silently widened.
    if (!scope.covers(asked.orgId().or(scope::orgId), asked.projectId().or(scope::projectId))) {
      throw new PermissionDeniedException("outside_scope", "'" + scope.actor() + "' may not read usage outside its own "
          + (scope.projectId().isPresent() ? "project" : "org"));
    }
    return asked.withScope(scope.orgId(), scope.projectId().or(asked::projectId));
  }

  private void export(RoutingContext ctx) {
    UsageQuery q = query(ctx);
    UsageExport.Format format = UsageExport.Format.parse(param(ctx, "format").orElse("csv"));
    UsageExport.stream(ctx, store, q, format);
  }

  private void list(RoutingContext ctx) {
    UsageQuery q = query(ctx);
    Web.blocking(ctx, 200, () -> {
      UsagePage page = store.query(q);
      ObjectNode out = Json.object().put("object", "list");
      ArrayNode data = out.putArray("data");
      page.records().forEach(r -> data.add(render(r)));
      out.put("has_more", page.nextCursor().isPresent());
      page.nextCursor().ifPresentOrElse(c -> out.put("next_cursor", c), () -> out.putNull("next_cursor"));
      return out;
    });
  }

  public static ObjectNode render(UsageRecord r) {
    ObjectNode o = Json.object();
    o.put("request_id", r.requestId()).put("attempt", r.attempt())
        .put("started_at", r.startedAt().toString());
    r.firstTokenAt().ifPresentOrElse(t -> o.put("first_token_at", t.toString()), () -> o.putNull("first_token_at"));
    o.put("ended_at", r.endedAt().toString()).put("latency_ms", r.latencyMillis())
        .put("key_id", r.keyId());
    r.orgId().ifPresentOrElse(v -> o.put("org_id", v), () -> o.putNull("org_id"));
    r.projectId().ifPresentOrElse(v -> o.put("project_id", v), () -> o.putNull("project_id"));
    r.userId().ifPresentOrElse(u -> o.put("user", u), () -> o.putNull("user"));
    ArrayNode tags = o.putArray("tags");
    r.tags().forEach(tags::add);
    o.put("provider", r.provider()).put("model_requested", r.modelRequested()).put("model_served", r.modelServed())
        .put("endpoint", r.endpoint()).put("stream", r.stream()).put("status", r.status());
    r.deployment().ifPresentOrElse(v -> o.put("deployment", v), () -> o.putNull("deployment"));
    r.errorClass().ifPresentOrElse(e -> o.put("error", e), () -> o.putNull("error"));
    TokenUsage u = r.usage();
    o.putObject("tokens")
        .put("input", u.inputTokens()).put("cache_read", u.cacheReadTokens())
        .put("cache_write_5m", u.cacheWrite5mTokens()).put("cache_write_1h", u.cacheWrite1hTokens())
        .put("audio_input", u.audioInputTokens()).put("image_input", u.imageInputTokens())
        .put("output", u.outputTokens()).put("reasoning", u.reasoningTokens()).put("audio_output", u.audioOutputTokens())
        .put("total", u.totalTokens());
    o.put("cost_nanos", r.costNanos());
    o.put("cost_usd", dev.tollgate.common.Money.usd(r.costNanos()));
    o.put("saved_nanos", r.savedNanos());
    o.put("saved_usd", dev.tollgate.common.Money.usd(r.savedNanos()));
    r.priceVersion().ifPresentOrElse(v -> o.put("price_version", v), () -> o.putNull("price_version"));
    ObjectNode breakdown = o.putObject("cost_breakdown");
    r.costBreakdown().forEach((k, v) -> breakdown.put(k, v.toPlainString()));
    ArrayNode flags = o.putArray("flags");
    r.flags().stream().map(f -> f.name().toLowerCase(java.util.Locale.ROOT)).sorted().forEach(flags::add);
    return o;
  }

  private static Optional<String> param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  private static Optional<Instant> instant(RoutingContext ctx, String name) {
    return param(ctx, name).map(v -> {
      try {
        return Instant.parse(v);
      } catch (DateTimeParseException e) {
        throw new InvalidRequestException(name, name + ": '" + v + "' (expected: an ISO-8601 instant such as 2026-11-01T00:00:00Z)");
      }
    });
  }

  private static int integer(String name, String v, int min, int max) {
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidRequestException(name, name + ": '" + v + "' (expected: an integer " + min + ".." + max + ")");
  }
}
