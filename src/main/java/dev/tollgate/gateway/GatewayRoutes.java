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
import java.util.Set;
import dev.tollgate.providers.Cancellation;
import dev.tollgate.providers.ProviderReply;
import dev.tollgate.providers.StreamHandle;
import dev.tollgate.providers.StreamObserver;
import io.vertx.core.Future;

/**
 * The OpenAI-compatible surface: {@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/models}. Handlers are thin: authenticate, validate, pick the
 * provider, relay, and hand the finished exchange to the usage sink. Nothing here blocks.
 */
public final class GatewayRoutes {

  /** Providers that reject {@code max_tokens} for reasoning models and want {@code max_completion_tokens}. */
  static final Set<String> MAX_COMPLETION_TOKENS = Set.of("openai", "azure");

  private final KeyService keys;
  private final ModelCatalog catalog;
  private final Relay relay;
  private final Dispatcher dispatcher;
  private final Pipeline pipeline;
  private final Clock clock;

  public GatewayRoutes(KeyService keys, ModelCatalog catalog, Map<String, ProviderClient> providers, Metering metering,
                       Admission admission, Resilience resilience, Clock clock) {
    this.keys = requireNonNull(keys, "keys");
    this.catalog = requireNonNull(catalog, "catalog");
    this.relay = new Relay(requireNonNull(metering, "metering"), clock);
    this.clock = requireNonNull(clock, "clock");
    this.dispatcher = resilience.dispatcher(catalog, providers, relay, clock);
    this.pipeline = resilience.pipeline(admission, catalog, metering, relay, clock);
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
    ex.orgId = ex.key.orgId(); ex.projectId = ex.key.projectId(); // the org and project the request is billed to
    ctx.put(Exchange.CONTEXT_KEY, ex);
    byte[] raw = Web.bodyBytes(ctx);
    ex.requestBytes = raw.length;
    ObjectNode body = Json.parseObject(raw);
    JsonNode modelNode = body.get("model");
    if (modelNode != null && modelNode.isTextual()) {
      ex.modelRequested = modelNode.asText();
    }
    ex.stream = body.path("stream").asBoolean(false); // before validation, so failed streams are recorded as streams
    String model = RequestValidation.validate(op, body);
    attribute(ctx, body, ex);
    ModelConfig route = catalog.resolve(model, ex.key);
    ex.provider = route.provider();
    ex.upstreamModel = route.upstreamModel();
    ex.serviceTier = Metering.serviceTier(body.path("service_tier").asText(null));
    boolean wantsUsage = body.path("stream_options").path("include_usage").asBoolean(false);
    pipeline.run(ctx, ex, op, body, route, new Pipeline.Route() {
      @Override
      public void capOutput(ObjectNode b, long max, ModelConfig routed) {
        capOutputTokens(b, max, op, routed.provider());
      }

      @Override
      public void dispatch(ModelConfig routed) {
        Dispatcher.Chain chain = op == Operation.EMBEDDINGS ? dispatcher.chain(routed, 0, () -> 0)
            : dispatcher.chain(routed, UsageEstimator.promptTokensAtMost(ex.requestBytes), () -> UsageEstimator.promptTokens(body));
        Dispatcher.Surface surface = new Dispatcher.Surface() {
          @Override
          public Future<ProviderReply> call(ModelConfig target, ProviderClient provider, Cancellation cancellation) {
            return provider.call(new ProviderCall(op, target, body.deepCopy(), ex.requestId, wantsUsage, Map.of(), cancellation));
          }

          @Override
          public StreamHandle stream(ModelConfig target, ProviderClient provider, StreamObserver observer) {
            return provider.stream(new ProviderCall(op, target, body.deepCopy(), ex.requestId, wantsUsage), observer);
          }
        };
        if (ex.stream) {
          stream(ctx, ex, body, chain, surface);
        } else {
          dispatcher.reply(ctx, ex, body, chain, surface);
        }
      }
    });
  }

  /**
   * The budget's output cap: every output-limit field the request sets is lowered to it (the Anthropic and
   * Gemini translators read {@code max_completion_tokens}, then {@code max_tokens}); a request that sets none
   * gets the one its provider expects.
   */
  static void capOutputTokens(ObjectNode body, long max, Operation op, String provider) {
    if (op == Operation.EMBEDDINGS) {
      return;
    }
    boolean set = false;
    for (String field : List.of("max_completion_tokens", "max_tokens")) {
      JsonNode v = body.get(field);
      if (v != null && !v.isNull()) {
        set = true;
        body.put(field, v.isIntegralNumber() ? Math.min(v.asLong(), max) : max);
      }
    }
    if (!set) {
      body.put(op == Operation.CHAT && MAX_COMPLETION_TOKENS.contains(provider) ? "max_completion_tokens" : "max_tokens", max);
    }
  }

  /** OpenAI streams end with {@code data: [DONE]}: it is held back and sent after the cost comment. */
  private void stream(RoutingContext ctx, Exchange ex, ObjectNode body, Dispatcher.Chain chain, Dispatcher.Surface surface) {
    Buffer[] heldDone = {null};
    dispatcher.stream(ctx, ex, body, Dialect.OPENAI, chain, surface,
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
    JsonNode meta = body.path("metadata"); // else the request's metadata: its "tags" (list or comma string), or key:value pairs
    if ((tags == null || tags.isBlank()) && meta.isObject()) {
      JsonNode t = meta.path("tags");
      tags = t.isArray() ? String.join(",", t.valueStream().filter(JsonNode::isTextual).map(JsonNode::asText).toList())
          : t.isTextual() ? t.asText() : String.join(",", meta.properties().stream().filter(e -> e.getValue().isTextual())
              .map(e -> e.getKey() + ":" + e.getValue().asText()).toList());
    }
    if (tags != null && !tags.isBlank()) {
      ex.tags = Arrays.stream(tags.split(",")).map(String::strip).filter(t -> !t.isEmpty()).limit(32)
          .map(t -> t.length() > 128 ? t.substring(0, 128) : t).toList();
    }
  }

  private void listModels(RoutingContext ctx) {
    // a model with several deployments is one entry
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
