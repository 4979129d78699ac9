package dev.tollgate.web;

import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.MethodNotAllowedException;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.common.PayloadTooLargeException;
import dev.tollgate.common.RateLimitedException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router skeleton shared by every feature: request ids first, a body limit on every write, and one
 * failure handler that renders every error in the caller's dialect.
 */
public final class HttpRoutes {
  private static final Logger log = LoggerFactory.getLogger(HttpRoutes.class);

  private HttpRoutes() {}

  /**
   * @param onFailure told about every failure after it is rendered (the gateway records failed requests
   *     in the ledger)
   */
  public static Router base(Vertx vertx, long bodyLimitBytes, BiConsumer<RoutingContext, HttpError> onFailure) {
    Router router = Router.router(vertx);
    router.route().handler(Web::assignRequestId);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(bodyLimitBytes);
    // One route for every method: a path-less route restricted to POST would "match the path but not the
    // method" of every other request, and vert.x would then answer unknown endpoints with 405, not 404.
    router.route().handler(ctx -> {
      HttpMethod m = ctx.request().method();
      if (m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH) {
        body.handle(ctx);
      } else {
        ctx.next();
      }
    });
    router.route().failureHandler(ctx -> fail(ctx, bodyLimitBytes, onFailure));
    router.errorHandler(404, ctx -> render(ctx, ErrorMapping.of(
        new NotFoundException("endpoint", ctx.request().method() + " " + ctx.request().path())), onFailure));
    router.errorHandler(405, ctx -> render(ctx, ErrorMapping.of(
        new MethodNotAllowedException(ctx.request().method().name(), ctx.request().path())), onFailure));
    return router;
  }

  private static void fail(RoutingContext ctx, long bodyLimitBytes, BiConsumer<RoutingContext, HttpError> onFailure) {
    Throwable failure = ctx.failure();
    HttpError error;
    if (failure == null) {
      error = switch (ctx.statusCode()) {
        case 413 -> ErrorMapping.of(new PayloadTooLargeException(bodyLimitBytes));
        case 400 -> ErrorMapping.of(new InvalidRequestException(null, "the request could not be read", "bad_request"));
        case 404 -> ErrorMapping.of(new NotFoundException("endpoint", ctx.request().path()));
        default -> ErrorMapping.of(new IllegalStateException("status " + ctx.statusCode()));
      };
    } else {
      Throwable cause = Web.unwrap(failure);
      error = ErrorMapping.of(cause);
      if (cause instanceof dev.tollgate.common.RateLimitedException limited && !ctx.response().headWritten()) {
        limited.headers().forEach(ctx.response()::putHeader); // x-ratelimit-* on the 429
      }
      if (cause instanceof dev.tollgate.common.UnavailableException) {
        // expected while a dependency is down (its outage is logged once where it is detected): no stack per request
        log.debug("request {} refused: {} {}: {}", Web.requestId(ctx), ctx.request().method(), ctx.request().path(),
            cause.getMessage());
      } else if (error.status() >= 500 && error.status() != 502 && error.status() != 504) {
        log.atError().addKeyValue(Web.REQUEST_ID_FIELD, Web.requestId(ctx)).setCause(failure)
            .log("request {} failed: {} {}", Web.requestId(ctx), ctx.request().method(), ctx.request().path());
      }
    }
    render(ctx, error, onFailure);
  }

  private static void render(RoutingContext ctx, HttpError error, BiConsumer<RoutingContext, HttpError> onFailure) {
    var resp = ctx.response();
    if (!resp.headWritten() && !resp.closed()) {
      resp.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      error.retryAfter().ifPresent(d -> resp.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(RateLimitedException.retryAfterSeconds(d))));
      resp.end(Dialect.forPath(ctx.request().path()).render(error).toString());
    } else if (!resp.ended()) {
      resp.end();
    }
    onFailure.accept(ctx, error);
  }
}
