package dev.tollgate.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.NotFoundException;
import dev.tollgate.web.Web;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** {@code /api/v1/keys}: create (the secret is in this one response only), list, get, revoke. */
public final class KeyRoutes {
  private final KeyService keys;
  private final Clock clock;

  public KeyRoutes(KeyService keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
  }

  public void register(Router router) {
    router.post("/api/v1/keys").handler(this::create);
    router.get("/api/v1/keys").handler(ctx -> Web.blocking(ctx, 200, () -> {
      ObjectNode out = Json.object().put("object", "list");
      ArrayNode data = out.putArray("data");
      keys.list().forEach(k -> data.add(render(k)));
      return out;
    }));
    router.get("/api/v1/keys/:id").handler(ctx -> {
      String id = ctx.pathParam("id");
      Web.json(ctx, 200, render(keys.find(id).orElseThrow(() -> new NotFoundException("key", id))));
    });
    router.post("/api/v1/keys/:id/revoke").handler(this::revoke);
    router.delete("/api/v1/keys/:id").handler(this::revoke);
  }

  private void create(RoutingContext ctx) {
    ObjectNode body = Json.parseObject(Web.bodyBytes(ctx));
    JsonNode name = body.get("name");
    if (name == null || !name.isTextual()) {
      throw new InvalidRequestException("name", "name: " + (name == null ? "<missing>" : name.toString()) + " (expected: a string)");
    }
    Set<String> models = new LinkedHashSet<>();
    JsonNode m = body.get("models");
    if (m != null && !m.isNull()) {
      if (!m.isArray()) {
        throw new InvalidRequestException("models", "models: " + m + " (expected: an array of model names)");
      }
      for (JsonNode item : m) {
        if (!item.isTextual() || item.asText().isBlank()) {
          throw new InvalidRequestException("models", "models: " + item + " (expected: model names as strings)");
        }
        models.add(item.asText());
      }
    }
    Optional<Instant> expires = Optional.empty();
    JsonNode e = body.get("expires_at");
    if (e != null && !e.isNull()) {
      try {
        expires = Optional.of(Instant.parse(e.asText()));
      } catch (DateTimeParseException ex) {
        throw new InvalidRequestException("expires_at", "expires_at: " + e + " (expected: an ISO-8601 instant such as 2027-01-01T00:00:00Z)");
      }
    }
    Optional<Instant> expiresAt = expires;
    Web.blocking(ctx, 201, () -> {
      KeyService.CreatedKey created = keys.create(name.asText(), models, expiresAt);
      return render(created.key()).put("key", created.secret());
    });
  }

  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Web.blocking(ctx, 200, () -> render(keys.revoke(id)));
  }

  ObjectNode render(ApiKey k) {
    ObjectNode o = Json.object();
    o.put("id", k.id()).put("object", "api_key").put("name", k.name()).put("key_hint", k.displayHint())
        .put("role", k.role().name().toLowerCase(java.util.Locale.ROOT));
    ArrayNode models = o.putArray("models");
    k.allowedModels().stream().sorted().forEach(models::add);
    o.put("created_at", k.createdAt().toString());
    k.expiresAt().ifPresentOrElse(t -> o.put("expires_at", t.toString()), () -> o.putNull("expires_at"));
    k.revokedAt().ifPresentOrElse(t -> o.put("revoked_at", t.toString()), () -> o.putNull("revoked_at"));
    String status = k.revokedAt().isPresent() ? "revoked"
        : k.expiresAt().filter(t -> !t.isAfter(clock.instant())).isPresent() ? "expired" : "active";
    o.put("status", status);
    return o;
  }
}
