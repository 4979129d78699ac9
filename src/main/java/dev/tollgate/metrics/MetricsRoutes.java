package dev.tollgate.metrics;

import static java.util.Objects.requireNonNull;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * {@code GET /metrics}: the Prometheus scrape, without authentication like {@code /health}. Everything
 * it reads is in memory, so it answers on the event loop.
 */
public final class MetricsRoutes {
  private MetricsRoutes() {}

  public static void register(Router router, Metrics metrics) {
    requireNonNull(metrics, "metrics");
    router.get("/metrics").handler(ctx -> {
      String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
      Metrics.Exposition e = metrics.scrape(accept == null ? "" : accept);
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, e.contentType()).end(Buffer.buffer(e.body()));
    });
  }
}
