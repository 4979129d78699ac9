package dev.tollgate.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.ApiKey;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.TollgateException;
import dev.tollgate.common.UpstreamException;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.providers.AnthropicTranslator;
import dev.tollgate.providers.MessagesClient;
import dev.tollgate.providers.OpenAiToAnthropicStream;
import dev.tollgate.providers.Operation;
import dev.tollgate.providers.ProviderCall;
import dev.tollgate.providers.ProviderClient;
import dev.tollgate.providers.ProviderReply;
import dev.tollgate.providers.Sse;
import dev.tollgate.providers.StreamHandle;
import dev.tollgate.providers.StreamObserver;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.web.Dialect;
import dev.tollgate.web.ErrorMapping;
import dev.tollgate.web.HttpError;
import dev.tollgate.web.Web;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The Anthropic-compatible surface: {@code POST /v1/messages} (stream and non-stream) and
 * {@code POST /v1/messages/count_tokens}, routable to any configured model. A model served by an
 * Anthropic upstream gets the request natively (cache_control, thinking, betas survive untouched);
 * any other provider gets it translated to OpenAI's format, and its answer, or its chunk stream, is
 * translated back into Anthropic's. Errors are Anthropic's error JSON (the failure handler picks the
 * dialect by path).
 */
public final class MessagesRoutes {
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
  private static final Set<String> ROLES = Set.of("user", "assistant");
  /** Providers that reject {@code max_tokens} for reasoning models and want {@code max_completion_tokens}. */
  private static final Set<String> MAX_COMPLETION_TOKENS = Set.of("openai", "azure");

  private final KeyService keys;
  private final ModelCatalog catalog;
  private final Map<String, ProviderClient> providers;
  private final Metering metering;
  private final Clock clock;

  public MessagesRoutes(KeyService keys, ModelCatalog catalog, Map<String, ProviderClient> providers, Metering metering, Clock clock) {
    this.keys = requireNonNull(keys, "keys");
    this.catalog = requireNonNull(catalog, "catalog");
    this.providers = Map.copyOf(providers);
    this.metering = requireNonNull(metering, "metering");
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
    String model = validate(body, true);
    JsonNode user = body.path("metadata").path("user_id");
    GatewayRoutes.attribute(ctx, user.isTextual() ? Json.object().put("user", user.asText()) : Json.object(), ex);
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
        stream(ctx, ex, body, observer -> anthropic.streamMessages(call, observer), List::of, u -> List.of());
      } else {
        reply(ctx, ex, anthropic.messages(call));
      }
      return;
    }
    ObjectNode openAi = AnthropicTranslator.toOpenAiRequest(body, MAX_COMPLETION_TOKENS.contains(route.provider()));
    ProviderCall call = new ProviderCall(Operation.CHAT, route, openAi, ex.requestId, false);
    String messageId = "msg_" + ex.requestId;
    if (ex.stream) {
      OpenAiToAnthropicStream encoder = new OpenAiToAnthropicStream(messageId, route.upstreamModel(),
          UsageEstimator.promptTokens(body));
      stream(ctx, ex, body, observer -> provider.stream(call, observer), encoder::onEvent, encoder::finish);
    } else {
      reply(ctx, ex, provider.call(call).map(r -> {
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

  private void reply(RoutingContext ctx, Exchange ex, Future<ProviderReply> future) {
    future.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ProviderReply reply = ar.result();
      ex.firstTokenAt = clock.instant();
      ex.usage = reply.usage();
      ex.modelServed = reply.servedModel();
      HttpServerResponse resp = ctx.response();
      if (resp.closed()) {
        ex.flags.add(UsageFlag.CLIENT_CLOSED);
        record(ex, 499, Optional.of("client_closed"));
        return;
      }
      metering.costHeader(ex).ifPresent(usd -> resp.putHeader(Metering.COST_HEADER_NAME, usd));
      resp.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(reply.body());
      record(ex, 200, Optional.empty());
    });
  }

  /**
   * Relays a stream to the caller as Anthropic events. {@code translate} maps each provider event to the
   * events to write (identity for a native upstream); {@code finish} adds the closing events once usage is
   * known. The estimator reads the provider's events, whichever format they are in.
   */
  private void stream(RoutingContext ctx, Exchange ex, ObjectNode request, Function<StreamObserver, StreamHandle> start,
                      Function<Buffer, List<Buffer>> translate, Function<TokenUsage, List<Buffer>> finish) {
    HttpServerResponse resp = ctx.response();
    List<Buffer> relayed = new ArrayList<>();
    boolean[] done = {false};
    @SuppressWarnings("unchecked")
    Optional<TokenUsage>[] partial = new Optional[] {Optional.empty()};
    StreamHandle handle = start.apply(new StreamObserver() {
      @Override
      public void onEvent(Buffer event) {
        if (done[0]) {
          return;
        }
        if (!ex.usageReported) {
          relayed.add(event);
        }
        write(translate.apply(event));
      }

      private void write(List<Buffer> events) {
        for (Buffer e : events) {
          if (ex.firstTokenAt == null) {
            ex.firstTokenAt = clock.instant();
            resp.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM).putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
          }
          resp.write(e);
        }
      }

      @Override
      public void onPartialUsage(TokenUsage u, String servedModel) {
        partial[0] = Optional.of(u);
        ex.modelServed = servedModel;
      }

      @Override
      public void onUsage(TokenUsage u, String servedModel) {
        ex.usage = u;
        ex.usageReported = true;
        ex.modelServed = servedModel;
        relayed.clear();
      }

      @Override
      public void onComplete() {
        if (done[0]) {
          return;
        }
        done[0] = true;
        estimateIfMissing(ex, request, relayed, partial[0]);
        write(finish.apply(ex.usage));
        metering.costComment(ex).ifPresent(resp::write); // an SSE comment: parsers skip it
        resp.end();
        record(ex, 200, Optional.empty());
      }

      @Override
      public void onError(TollgateException error) {
        if (done[0]) {
          return;
        }
        done[0] = true;
        if (!resp.headWritten()) {
          ctx.fail(error); // nothing sent yet: a normal error response, in Anthropic's shape
          return;
        }
        HttpError http = ErrorMapping.of(error);
        resp.write(Sse.event("error", Dialect.ANTHROPIC.render(http)));
        resp.end();
        estimateIfMissing(ex, request, relayed, partial[0]);
        record(ex, http.status(), http.code());
      }

      @Override
      public boolean writeQueueFull() {
        return resp.writeQueueFull();
      }

      @Override
      public void onDrain(Runnable resume) {
        resp.drainHandler(v -> resume.run());
      }
    });
    resp.closeHandler(v -> {
      if (done[0]) {
        return;
      }
      done[0] = true;
      handle.cancel();
      ex.flags.add(UsageFlag.CLIENT_CLOSED);
      estimateIfMissing(ex, request, relayed, partial[0]);
      record(ex, 499, Optional.of("client_closed"));
    });
  }

  private static void estimateIfMissing(Exchange ex, ObjectNode request, List<Buffer> relayed, Optional<TokenUsage> partial) {
    if (!ex.usageReported) {
      ex.usage = UsageEstimator.estimate(request, relayed, partial);
      ex.flags.add(UsageFlag.ESTIMATED);
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
    metering.finish(ex, status, errorClass);
  }
}
