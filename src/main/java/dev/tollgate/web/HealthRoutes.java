package dev.tollgate.web;

import dev.tollgate.common.Json;
import io.vertx.ext.web.Router;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * {@code /live}: the process answers. {@code /ready}: started and the ledger store is writable (a load
 * balancer may send traffic). {@code /health}: both, with details. None of them touch the database on
 * the event loop: they read flags the writer maintains.
 */
public final class HealthRoutes {
  private HealthRoutes() {}

  public static void register(Router router, String version, BooleanSupplier started, BooleanSupplier storeHealthy, IntSupplier usageQueueDepth) {
    router.get("/live").handler(ctx -> Web.json(ctx, 200, Json.object().put("status", "ok")));
    router.get("/ready").handler(ctx -> {
      boolean ready = started.getAsBoolean() && storeHealthy.getAsBoolean();
      Web.json(ctx, ready ? 200 : 503, Json.object().put("status", ready ? "ready" : "not_ready"));
    });
    router.get("/health").handler(ctx -> {
      boolean store = storeHealthy.getAsBoolean();
      var out = Json.object().put("status", store ? "ok" : "degraded").put("version", version);
      out.putObject("checks").put("store", store ? "ok" : "failing").put("usage_queue_depth", usageQueueDepth.getAsInt());
      Web.json(ctx, 200, out);
    });
  }
}
