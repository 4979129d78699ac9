package dev.tollgate.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.Json;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.providers.Operation;
import dev.tollgate.providers.ProviderCall;
import dev.tollgate.providers.ProviderClient;
import dev.tollgate.providers.Sse;
import dev.tollgate.web.Dialect;
import dev.tollgate.web.HttpError;
import dev.tollgate.web.Web;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAI-compatible surface: {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/models}. Handlers are thin: authenticate, validate, pick the
 * provider, relay, and hand the finished exchange to the usage sink. Nothing here blocks.
 */
public final class GatewayRoutes {

  private final KeyService keys;
  private final ModelCatalog catalog;
  private final Map<String, ProviderClient> providers;
  private final Relay relay;
  private final Clock clock;
  private final Admission admission;

  public GatewayRoutes(KeyService keys, ModelCatalog catalog, Map<String, ProviderClient> providers, Metering metering, Clock clock) {
    this(keys, catalog, providers, metering, clock, Admission.ALLOW_ALL);
  }

  public GatewayRoutes(KeyService keys, ModelCatalog catalog, Map<String, ProviderClient> providers, Metering metering, Clock clock,
                       Admission admission) {
    this.admission = requireNonNull(admission, "admission");
    this.keys = requireNonNull(keys, "keys");
    this.catalog = requireNonNull(catalog, "catalog");
    this.providers = Map.copyOf(providers);
    this.relay = new Relay(requireNonNull(metering, "metering"), clock);
    this.clock = requireNonNull(clock, "clock");
  }

  public void register(Router router) {
    router.post("/v1/chat/completions").handler(ctx -> handle(ctx, Operation.CHAT));
    router.post("/v1/completions").handler(ctx -> handle(ctx, Operation.COMPLETIONS));
    router.post("/v1/embeddings").handler(ctx -> handle(ctx, Operation.EMBEDDINGS));
    router.get("/v1/models").handler(this::listModels);
    router.getWithRegex("/v1/models/(?<model>.+)").handler(this::getModel); // ids may hold a slash: anthropic/claude-...
  }

  /**
   * Called by the failure handler for requests that failed after authentication, so every
   * authenticated request leaves a ledger row, failed ones included.
   */
  public void recordFailure(RoutingContext ctx, HttpError error) {
    Exchange ex = ctx.get(Exchange.CONTEXT_KEY);
    if (ex != null) {
      usage(ex, error.status(), error.code());
    }
  }

  private void handle(RoutingContext ctx, Operation op) {
    Exchange ex = new Exchange(Web.requestId(ctx), clock.instant(), op.endpoint());
    ex.key = keys.authenticate(Web.bearer(ctx));
    ctx.put(Exchange.CONTEXT_KEY, ex);
    ObjectNode body = Json.parseObject(Web.bodyBytes(ctx));
    JsonNode modelNode = body.get("model");
    if (modelNode != null && modelNode.isTextual()) {
      ex.modelRequested = modelNode.asText();
    }
    ex.stream = body.path("stream").asBoolean(false); // before validation, so failed streams are recorded as streams
    String requested = RequestValidation.validate(op, body);
    attribute(ctx, body, ex);
    admit(ctx, admission, ex, op, requested, body, model -> route(ctx, op, ex, body, model));
  }

  /**
   * The admission stage (budgets, rate limits) before routing, per the {@link Admission} contract: headers on
   * the answer, the downgrade model, the output cap; the ticket is charged and closed by {@link Metering}.
   */
  static void admit(RoutingContext ctx, Admission admission, Exchange ex, Operation op, String model, ObjectNode body,
                    java.util.function.Consumer<String> then) {
    admission.admit(new Admission.Request(ex.requestId, op, ex.endpoint, model, body, ex.key, ex.orgId, ex.projectId,
        ex.userId, ex.tags, ex.startedAt)).onComplete(ar -> {
          if (ar.failed()) {
            ctx.fail(ar.cause());
            return;
          }
          Admission.Ticket ticket = ar.result();
          ex.ticket = ticket;
          ticket.headers().forEach(ctx.response()::putHeader);
          ticket.maxOutputTokens().ifPresent(max -> {
            String field = body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
            JsonNode given = body.get(field);
            body.put(field, given != null && given.canConvertToLong() && given.asLong() > 0 ? Math.min(given.asLong(), max) : max);
          });
          try {
            then.accept(ticket.downgradeTo().orElse(model));
          } catch (RuntimeException e) {
            ctx.fail(e);
          }
        });
  }

  private void route(RoutingContext ctx, Operation op, Exchange ex, ObjectNode body, String model) {
    ModelConfig route = catalog.resolve(model, ex.key);
    ProviderClient provider = providers.get(route.provider());
    ex.provider = route.provider();
    ex.upstreamModel = route.upstreamModel();
    ex.serviceTier = Metering.serviceTier(body.path("service_tier").asText(null));
    boolean wantsUsage = body.path("stream_options").path("include_usage").asBoolean(false);
    ProviderCall call = new ProviderCall(op, route, body, ex.requestId, wantsUsage);
    if (ex.stream) {
      stream(ctx, ex, provider, call);
    } else {
      relay.reply(ctx, ex, call.body(), call.cancellation(), provider.call(call));
    }
  }

  /** OpenAI streams end with {@code data: [DONE]}: it is held back and sent after the cost comment. */
  private void stream(RoutingContext ctx, Exchange ex, ProviderClient provider, ProviderCall call) {
    Buffer[] heldDone = {null};
    relay.stream(ctx, ex, call.body(), Dialect.OPENAI, observer -> provider.stream(call, observer),
        event -> {
          if (Sse.isDone(event)) {
            heldDone[0] = event;
            return List.of();
          }
          return List.of(event);
        },
        usage -> heldDone[0] == null ? List.of() : List.of(heldDone[0]));
  }

  private void usage(Exchange ex, int status, Optional<String> errorClass) {
    relay.finish(ex, status, errorClass);
  }

  /** End-user id and tags: headers win over body fields. */
  static void attribute(RoutingContext ctx, ObjectNode body, Exchange ex) {
    String user = ctx.request().getHeader("x-tollgate-user");
    if (user == null && body.path("user").isTextual()) {
      user = body.get("user").asText();
    }
    if (user != null && !user.isBlank()) {
      ex.userId = Optional.of(user.length() > 256 ? user.substring(0, 256) : user);
    }
    String tags = ctx.request().getHeader("x-tollgate-tags");
    if (tags != null && !tags.isBlank()) {
      ex.tags = Arrays.stream(tags.split(",")).map(String::strip).filter(t -> !t.isEmpty()).limit(32)
          .map(t -> t.length() > 128 ? t.substring(0, 128) : t).toList();
    }
  }

  private void listModels(RoutingContext ctx) {
    ApiKey key = keys.authenticate(Web.bearer(ctx));
    ObjectNode out = Json.object().put("object", "list");
    ArrayNode data = out.putArray("data");
    for (ModelConfig m : catalog.visibleTo(key)) {
      data.add(model(m));
    }
    Web.json(ctx, 200, out);
  }

  private void getModel(RoutingContext ctx) {
    ApiKey key = keys.authenticate(Web.bearer(ctx));
    ModelConfig m = catalog.resolve(ctx.pathParam("model"), key);
    Web.json(ctx, 200, model(m));
  }

  private static ObjectNode model(ModelConfig m) {
    return Json.object().put("id", m.name()).put("object", "model").put("created", 0).put("owned_by", m.provider());
  }
}
