package dev.tollgate.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per HTTP request on the {@code tollgate.access} logger, written when the response
 * ends: request id, method, path (no query string), status, duration and bytes sent, as key-value pairs
 * (fields of their own in JSON logs). Never headers, keys or bodies. On when {@code log.access: true}.
 */
public final class AccessLog {
  private static final Logger log = LoggerFactory.getLogger("tollgate.access");

  private AccessLog() {}

  public static void register(Router router) {
    router.route().order(-1).handler(AccessLog::handle);
  }

  private static void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> {
      var req = ctx.request();
      log.atInfo()
          .addKeyValue(Web.REQUEST_ID_FIELD, Web.requestId(ctx))
          .addKeyValue("method", req.method().name())
          .addKeyValue("path", req.path())
          .addKeyValue("status", ctx.response().getStatusCode())
          .addKeyValue("duration_ms", (System.nanoTime() - start) / 1_000_000)
          .addKeyValue("bytes", ctx.response().bytesWritten())
          .log("{} {} {}", req.method().name(), req.path(), ctx.response().getStatusCode());
    });
    ctx.next();
  }
}
