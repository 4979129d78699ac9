package dev.tollgate.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Cursor pagination for the admin API's lists: {@code ?limit=} (1..1000, default 100) and {@code ?cursor=},
 * answered as {@code {"object":"list","data":[...],"has_more":..,"next_cursor":..}} like the usage API.
 * The cursor is the opaque sort key of the last item of the page (creation time, then id), so items
 * added or removed between pages neither repeat nor shift the next page.
 */
public final class Pages {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  private Pages() {}

  /** The sort key of an item made at {@code createdAt} with this id: sorts as (time, id). */
  public static String key(Instant createdAt, String id) {
    return String.format("%020d", ChronoUnit.MICROS.between(Instant.EPOCH, createdAt)) + ":" + id;
  }

  public static int limit(RoutingContext ctx) {
    String v = ctx.request().getParam("limit");
    if (v == null || v.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidRequestException("limit", "limit: '" + v + "' (expected: an integer 1.." + MAX_LIMIT + ")");
  }

  public static Optional<String> cursor(RoutingContext ctx) {
    String v = ctx.request().getParam("cursor");
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    try {
      String key = new String(Base64.getUrlDecoder().decode(v), StandardCharsets.UTF_8);
      if (key.length() > 21 && key.charAt(20) == ':') {
        return Optional.of(key);
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new InvalidRequestException("cursor", "cursor: '" + v + "' (expected: a next_cursor value from a previous page)");
  }

  /** One page of {@code sorted} (ascending by {@code key}) after the request's cursor, rendered. */
  public static <T> ObjectNode list(RoutingContext ctx, List<T> sorted, Function<T, String> key,
                                    Function<T, ? extends JsonNode> render) {
    int limit = limit(ctx);
    Optional<String> after = cursor(ctx);
    List<T> rest = after.isEmpty() ? sorted : sorted.stream().filter(t -> key.apply(t).compareTo(after.get()) > 0).toList();
    List<T> page = rest.size() > limit ? rest.subList(0, limit) : rest;
    ObjectNode out = Json.object().put("object", "list");
    ArrayNode data = out.putArray("data");
    page.forEach(t -> data.add(render.apply(t)));
    boolean more = rest.size() > limit;
    out.put("has_more", more);
    if (more) {
      out.put("next_cursor", Base64.getUrlEncoder().withoutPadding()
          .encodeToString(key.apply(page.getLast()).getBytes(StandardCharsets.UTF_8)));
    } else {
      out.putNull("next_cursor");
    }
    return out;
  }

  /** The value of a query parameter, empty when absent or blank. */
  public static Optional<String> param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }
}
