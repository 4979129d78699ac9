package dev.tollgate.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.UpstreamException;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.providers.AnthropicTranslator;
import dev.tollgate.providers.MessagesClient;
import dev.tollgate.providers.OpenAiToAnthropicStream;
import dev.tollgate.providers.Operation;
import dev.tollgate.providers.ProviderCall;
import dev.tollgate.providers.ProviderClient;
import dev.tollgate.providers.ProviderReply;
import dev.tollgate.web.Dialect;
import dev.tollgate.web.Web;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.tollgate.providers.Cancellation;
import dev.tollgate.providers.StreamHandle;
import dev.tollgate.providers.StreamObserver;
import io.vertx.core.Future;

/**
 * The Anthropic-compatible surface: {@code POST /v1/messages} (stream and non-stream) and
 * {@code POST /v1/messages/count_tokens}, routable to any configured model. A model served by an
 * Anthropic upstream gets the request natively (cache_control, thinking, betas survive untouched);
 * any other provider gets it translated to OpenAI's format, and its answer, or its chunk stream, is
 * translated back into Anthropic's. Errors are Anthropic's error JSON (the failure handler picks the
 * dialect by path).
 */
public final class MessagesRoutes {
  private static final Set<String> ROLES = Set.of("user", "assistant");
  /** Providers that reject {@code max_tokens} for reasoning models and want {@code max_completion_tokens}. */
  private static final Set<String> MAX_COMPLETION_TOKENS = Set.of("openai", "azure");

  private final KeyService keys;
  private final ModelCatalog catalog;
  private final Relay relay;
  private final Dispatcher dispatcher;
  private final Pipeline pipeline;
  private final Clock clock;

  public MessagesRoutes(KeyService keys, ModelCatalog catalog, Map<String, ProviderClient> providers, Metering metering,
                        Admission admission, Resilience resilience, Clock clock) {
    this.keys = requireNonNull(keys, "keys");
    this.catalog = requireNonNull(catalog, "catalog");
    this.relay = new Relay(requireNonNull(metering, "metering"), clock);
    this.clock = requireNonNull(clock, "clock");
    this.dispatcher = resilience.dispatcher(catalog, providers, relay, clock);
    this.pipeline = resilience.pipeline(admission, catalog, metering, relay, clock);
  }

  public void register(Router router) {
    router.post("/v1/messages").handler(this::messages);
    router.post("/v1/messages/count_tokens").handler(this::countTokens);
  }

  private void messages(RoutingContext ctx) {
    Exchange ex = new Exchange(Web.requestId(ctx), clock.instant(), "messages");
    ex.key = keys.authenticate(Web.bearer(ctx));
    ex.orgId = ex.key.orgId(); ex.projectId = ex.key.projectId(); // the org and project the request is billed to
    ctx.put(Exchange.CONTEXT_KEY, ex);
    byte[] raw = Web.bodyBytes(ctx);
    ex.requestBytes = raw.length;
    ObjectNode body = Json.parseObject(raw);
    if (body.path("model").isTextual()) {
      ex.modelRequested = body.get("model").asText();
    }
    String model = validate(body, true);
    JsonNode user = body.path("metadata").path("user_id");
    GatewayRoutes.attribute(ctx, user.isTextual() ? Json.object().put("user", user.asText()) : Json.object(), ex);
    ModelConfig route = catalog.resolve(model, ex.key);
    ex.provider = route.provider();
    ex.upstreamModel = route.upstreamModel();
    ex.serviceTier = Metering.serviceTier(body.path("service_tier").asText(null));
    ex.stream = body.path("stream").asBoolean(false);
    Map<String, String> forward = new java.util.HashMap<>();
    String beta = ctx.request().getHeader("anthropic-beta");
    if (beta != null) {
      forward.put("anthropic-beta", beta);
    }
    pipeline.run(ctx, ex, Operation.CHAT, body, route, new Pipeline.Route() {
      @Override
      public void capOutput(ObjectNode b, long max, ModelConfig routed) {
        b.put("max_tokens", Math.min(b.path("max_tokens").asLong(max), max));
      }

      @Override
      public void dispatch(ModelConfig routed) {
        route(ctx, ex, body, forward, dispatcher.chain(routed, UsageEstimator.promptTokensAtMost(ex.requestBytes),
            () -> UsageEstimator.promptTokens(body)));
      }
    });
  }

  /**
   * Each attempt goes natively to a deployment whose provider speaks Messages, and translated to any other;
   * a stream's translation state belongs to the attempt that is relaying it.
   */
  private void route(RoutingContext ctx, Exchange ex, ObjectNode body, Map<String, String> forward, Dispatcher.Chain chain) {
    String messageId = "msg_" + ex.requestId;
    OpenAiToAnthropicStream[] encoder = {null};
    Dispatcher.Surface surface = new Dispatcher.Surface() {
      @Override
      public Future<ProviderReply> call(ModelConfig target, ProviderClient provider, Cancellation cancellation) {
        if (provider instanceof MessagesClient anthropic) {
          return anthropic.messages(new ProviderCall(Operation.CHAT, target, body.deepCopy(), ex.requestId, false, forward, cancellation));
        }
        ObjectNode openAi = AnthropicTranslator.toOpenAiRequest(body, MAX_COMPLETION_TOKENS.contains(target.provider()));
        return provider.call(new ProviderCall(Operation.CHAT, target, openAi, ex.requestId, false, Map.of(), cancellation)).map(r -> {
          JsonNode completion;
          try {
            completion = Json.MAPPER.readTree(r.body().getBytes());
          } catch (IOException e) {
            throw new UpstreamException(target.provider(), 200, "upstream '" + target.provider() + "' sent a body that is not JSON");
          }
          ObjectNode msg = AnthropicTranslator.toAnthropicResponse(completion, r.usage(), messageId);
          return new ProviderReply(Buffer.buffer(Json.bytes(msg)), r.usage(), r.servedModel());
        });
      }

      @Override
      public StreamHandle stream(ModelConfig target, ProviderClient provider, StreamObserver observer) {
        if (provider instanceof MessagesClient anthropic) {
          encoder[0] = null;
          return anthropic.streamMessages(new ProviderCall(Operation.CHAT, target, body.deepCopy(), ex.requestId, false, forward), observer);
        }
        encoder[0] = new OpenAiToAnthropicStream(messageId, target.upstreamModel(), UsageEstimator.promptTokens(body));
        ObjectNode openAi = AnthropicTranslator.toOpenAiRequest(body, MAX_COMPLETION_TOKENS.contains(target.provider()));
        return provider.stream(new ProviderCall(Operation.CHAT, target, openAi, ex.requestId, false), observer);
      }
    };
    if (ex.stream) {
      dispatcher.stream(ctx, ex, body, Dialect.ANTHROPIC, chain, surface,
          event -> encoder[0] == null ? List.of(event) : encoder[0].onEvent(event),
          usage -> encoder[0] == null ? List.of() : encoder[0].finish(usage));
    } else {
      dispatcher.reply(ctx, ex, body, chain, surface);
    }
  }

  /**
   * Anthropic's token counting endpoint, answered locally with the tokenizer ({@code o200k_base}): the
   * count is an estimate for any model, free, and not recorded in the ledger (nothing was generated).
   */
  private void countTokens(RoutingContext ctx) {
    ApiKey key = keys.authenticate(Web.bearer(ctx));
    ObjectNode body = Json.parseObject(Web.bodyBytes(ctx));
    String model = validate(body, false);
    catalog.resolve(model, key);
    long tokens = UsageEstimator.promptTokens(body) + UsageEstimator.toolTokens(body);
    Web.json(ctx, 200, Json.object().put("input_tokens", tokens));
  }

  /** Checks what the gateway relies on, with messages that name the field; returns the model. */
  private static String validate(ObjectNode body, boolean needsMaxTokens) {
    JsonNode model = body.get("model");
    if (model == null || model.isNull()) {
      throw missing("model");
    }
    if (!model.isTextual() || model.asText().isBlank()) {
      throw new InvalidRequestException("model", "model: " + RequestValidation.describe(model) + " (expected: a non-empty string)", "invalid_type");
    }
    if (needsMaxTokens) {
      JsonNode max = body.get("max_tokens");
      if (max == null || max.isNull()) {
        throw missing("max_tokens");
      }
      if (!(max.isIntegralNumber() && max.asLong() >= 1 && max.canConvertToInt())) {
        throw new InvalidRequestException("max_tokens", "max_tokens: " + RequestValidation.describe(max) + " (expected: an integer >= 1)");
      }
    }
    JsonNode stream = body.get("stream");
    if (stream != null && !stream.isNull() && !stream.isBoolean()) {
      throw new InvalidRequestException("stream", "stream: " + RequestValidation.describe(stream) + " (expected: true or false)", "invalid_type");
    }
    JsonNode system = body.get("system");
    if (system != null && !system.isNull() && !system.isTextual() && !system.isArray()) {
      throw new InvalidRequestException("system", "system: " + RequestValidation.describe(system) + " (expected: a string or an array of text blocks)", "invalid_type");
    }
    JsonNode messages = body.get("messages");
    if (messages == null || messages.isNull()) {
      throw missing("messages");
    }
    if (!messages.isArray() || messages.isEmpty()) {
      throw new InvalidRequestException("messages", "messages: " + RequestValidation.describe(messages) + " (expected: a non-empty array of messages)", "invalid_type");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String p = "messages." + i;
      if (!m.isObject()) {
        throw new InvalidRequestException(p, p + ": " + RequestValidation.describe(m) + " (expected: an object with role and content)", "invalid_type");
      }
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
        throw new InvalidRequestException(p + ".role", p + ".role: " + RequestValidation.describe(role) + " (expected: user or assistant)");
      }
      JsonNode content = m.get("content");
      if (content == null || !(content.isTextual() || content.isArray())) {
        throw new InvalidRequestException(p + ".content", p + ".content: " + RequestValidation.describe(content) + " (expected: a string or an array of content blocks)", "invalid_type");
      }
    }
    return model.asText();
  }

  private static InvalidRequestException missing(String field) {
    return new InvalidRequestException(field, field + ": Field required", "missing_required_parameter");
  }

  private void record(Exchange ex, int status, Optional<String> errorClass) {
    relay.finish(ex, status, errorClass);
  }
}
