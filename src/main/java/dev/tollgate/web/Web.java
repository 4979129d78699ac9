package dev.tollgate.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Ids;
import dev.tollgate.common.Json;
import dev.tollgate.common.TollgateException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/** Small helpers every route uses: request ids, credentials, bodies, JSON replies, blocking work. */
public final class Web {
  public static final String REQUEST_ID = "x-request-id";
  /** The request id's field in log events (MDC and key-value pairs): one name in text and JSON logs. */
  public static final String REQUEST_ID_FIELD = "request_id";
  private static final String REQUEST_ID_KEY = "tollgate.request-id";
  /** Pre-encoded header name: vert.x validates plain String names on every put. */
  private static final CharSequence REQUEST_ID_HEADER = HttpHeaders.createOptimized(REQUEST_ID);
  private static final Pattern VALID_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final byte[] EMPTY = new byte[0];

  private Web() {}

  /**
   * First handler on every route: accepts a sane caller-supplied {@code x-request-id} or makes one, and echoes it.
   * The id is in the logging MDC while the handler chain runs synchronously on this thread (validation,
   * routing, admin checks); {@link #blocking} carries it to the worker thread.
   */
  static void assignRequestId(RoutingContext ctx) {
    String given = ctx.request().getHeader(REQUEST_ID);
    String id = given != null && VALID_REQUEST_ID.matcher(given).matches() ? given : Ids.requestId();
    ctx.put(REQUEST_ID_KEY, id);
    ctx.response().putHeader(REQUEST_ID_HEADER, id);
    MDC.put(REQUEST_ID_FIELD, id);
    try {
      ctx.next();
    } finally {
      MDC.remove(REQUEST_ID_FIELD);
    }
  }

  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID_KEY);
    return id != null ? id : Ids.requestId();
  }

  /** The API key from {@code Authorization: Bearer ...} or {@code x-api-key}. */
  public static Optional<String> bearer(RoutingContext ctx) {
    String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (auth != null) {
      // "Bearer" alone (HTTP trims the trailing space of "Bearer ") is a missing key, not a key named "Bearer".
      if (auth.regionMatches(true, 0, "Bearer", 0, 6) && (auth.length() == 6 || Character.isWhitespace(auth.charAt(6)))) {
        return Optional.of(auth.substring(6).strip());
      }
      return Optional.of(auth.strip());
    }
    return Optional.ofNullable(ctx.request().getHeader("x-api-key")).map(String::strip);
  }

  public static byte[] bodyBytes(RoutingContext ctx) {
    RequestBody body = ctx.body();
    if (body == null || body.buffer() == null) {
      return EMPTY;
    }
    return body.buffer().getBytes();
  }

  public static void json(RoutingContext ctx, int status, JsonNode node) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .end(Buffer.buffer(Json.bytes(node)));
  }

  /**
   * Runs blocking work (JDBC, file I/O) on a worker thread and replies with its JSON; failures go to
   * the failure handler. The event loop never waits.
   */
  public static void blocking(RoutingContext ctx, int status, Callable<? extends JsonNode> work) {
    String id = requestId(ctx);
    ctx.vertx().<JsonNode>executeBlocking(() -> {
      MDC.put(REQUEST_ID_FIELD, id);
      try {
        return work.call();
      } finally {
        MDC.remove(REQUEST_ID_FIELD);
      }
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, status, ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /** Unwraps the failures vert.x wraps around ours. */
  static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while (cur != null && !(cur instanceof TollgateException) && cur.getCause() != null && cur.getCause() != cur) {
      cur = cur.getCause();
    }
    return cur instanceof TollgateException ? cur : t;
  }
}
