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
  private final Map<String, ProviderClient> providers;
  private final Relay relay;
  private final Clock clock;
  private final Admission admission;

  public MessagesRoutes(KeyService keys, ModelCatalog catalog, Map<String, ProviderClient> providers, Metering metering, Clock clock) {
    this(keys, catalog, providers, metering, clock, Admission.ALLOW_ALL);
  }

  public MessagesRoutes(KeyService keys, ModelCatalog catalog, Map<String, ProviderClient> providers, Metering metering, Clock clock,
                        Admission admission) {
    this.admission = requireNonNull(admission, "admission");
    this.keys = requireNonNull(keys, "keys");
    this.catalog = requireNonNull(catalog, "catalog");
    this.providers = Map.copyOf(providers);
    this.relay = new Relay(requireNonNull(metering, "metering"), clock);
    this.clock = requireNonNull(clock, "clock");
  }

  public void register(Router router) {
    router.post("/v1/messages").handler(this::messages);
    router.post("/v1/messages/count_tokens").handler(this::countTokens);
  }

  private void messages(RoutingContext ctx) {
    Exchange ex = new Exchange(Web.requestId(ctx), clock.instant(), "messages");
    ex.key = keys.authenticate(Web.bearer(ctx));
    ctx.put(Exchange.CONTEXT_KEY, ex);
    ObjectNode body = Json.parseObject(Web.bodyBytes(ctx));
    if (body.path("model").isTextual()) {
      ex.modelRequested = body.get("model").asText();
    }
    String requested = validate(body, true);
    JsonNode user = body.path("metadata").path("user_id");
    GatewayRoutes.attribute(ctx, user.isTextual() ? Json.object().put("user", user.asText()) : Json.object(), ex);
    ex.stream = body.path("stream").asBoolean(false);
    GatewayRoutes.admit(ctx, admission, ex, Operation.CHAT, requested, body, model -> route(ctx, ex, body, model));
  }

  private void route(RoutingContext ctx, Exchange ex, ObjectNode body, String model) {
    ModelConfig route = catalog.resolve(model, ex.key);
    ProviderClient provider = providers.get(route.provider());
    ex.provider = route.provider();
    ex.upstreamModel = route.upstreamModel();
    ex.serviceTier = Metering.serviceTier(body.path("service_tier").asText(null));
    ex.stream = body.path("stream").asBoolean(false);
    if (provider instanceof MessagesClient anthropic) {
      Map<String, String> forward = new java.util.HashMap<>();
      String beta = ctx.request().getHeader("anthropic-beta");
      if (beta != null) {
        forward.put("anthropic-beta", beta);
      }
      ProviderCall call = new ProviderCall(Operation.CHAT, route, body, ex.requestId, false, forward);
      if (ex.stream) {
        relay.stream(ctx, ex, body, Dialect.ANTHROPIC, observer -> anthropic.streamMessages(call, observer), List::of, u -> List.of());
      } else {
        relay.reply(ctx, ex, body, call.cancellation(), anthropic.messages(call));
      }
      return;
    }
    ObjectNode openAi = AnthropicTranslator.toOpenAiRequest(body, MAX_COMPLETION_TOKENS.contains(route.provider()));
    ProviderCall call = new ProviderCall(Operation.CHAT, route, openAi, ex.requestId, false);
    String messageId = "msg_" + ex.requestId;
    if (ex.stream) {
      OpenAiToAnthropicStream encoder = new OpenAiToAnthropicStream(messageId, route.upstreamModel(),
          UsageEstimator.promptTokens(body));
      relay.stream(ctx, ex, body, Dialect.ANTHROPIC, observer -> provider.stream(call, observer), encoder::onEvent, encoder::finish);
    } else {
      relay.reply(ctx, ex, body, call.cancellation(), provider.call(call).map(r -> {
        JsonNode completion;
        try {
          completion = Json.MAPPER.readTree(r.body().getBytes());
        } catch (IOException e) {
          throw new UpstreamException(route.provider(), 200, "upstream '" + route.provider() + "' sent a body that is not JSON");
        }
        ObjectNode msg = AnthropicTranslator.toAnthropicResponse(completion, r.usage(), messageId);
        return new ProviderReply(Buffer.buffer(Json.bytes(msg)), r.usage(), r.servedModel());
      }));
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
