package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.Json;
import dev.tollgate.common.UpstreamException;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig.UpstreamConfig;
import dev.tollgate.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Anthropic's Messages API ({@code POST {base-url}/messages}, {@code x-api-key}, {@code anthropic-version}).
 * OpenAI-format calls are translated ({@link AnthropicTranslator}, {@link AnthropicToOpenAiStream});
 * {@code /v1/messages} calls are passed through natively ({@link MessagesClient}).
 */
public final class AnthropicProvider implements ProviderClient, MessagesClient {
  private final UpstreamHttp http;
  private final Clock clock;

  public AnthropicProvider(HttpClient http, UpstreamConfig config, Clock clock) {
    this.http = new UpstreamHttp(http, config, "anthropic");
    this.clock = clock;
  }

  @Override
  public Future<ProviderReply> call(ProviderCall call) {
    if (call.operation() != Operation.CHAT) {
      return Future.failedFuture(chatOnly(call, http.provider()));
    }
    ObjectNode body = AnthropicTranslator.toAnthropicRequest(call.body(), call.model());
    return http.call(http.post(url(call.model()), headers(call), false), body, call.cancellation()).map(msg -> {
      TokenUsage usage = AnthropicUsage.parse(msg.get("usage"));
      ObjectNode out = AnthropicTranslator.toOpenAiResponse(msg, clock.instant().getEpochSecond(), usage);
      return new ProviderReply(Buffer.buffer(Json.bytes(out)), usage, msg.path("model").asText(call.model().upstreamModel()));
    });
  }

  @Override
  public StreamHandle stream(ProviderCall call, StreamObserver observer) {
    if (call.operation() != Operation.CHAT) {
      observer.onError(chatOnly(call, http.provider()));
      return () -> { };
    }
    ObjectNode body = AnthropicTranslator.toAnthropicRequest(call.body(), call.model());
    body.put("stream", true);
    long created = clock.instant().getEpochSecond();
    return http.stream(http.post(url(call.model()), headers(call), true), body, observer,
        relay -> new AnthropicToOpenAiStream(relay, call, created, http.provider()));
  }

  @Override
  public Future<ProviderReply> messages(ProviderCall call) {
    ObjectNode body = call.body().deepCopy();
    body.put("model", call.model().upstreamModel());
    body.remove("stream");
    return http.call(http.post(url(call.model()), headers(call), false), body, call.cancellation()).map(msg ->
        new ProviderReply(Buffer.buffer(Json.bytes(msg)), AnthropicUsage.parse(msg.get("usage")),
            msg.path("model").asText(call.model().upstreamModel())));
  }

  @Override
  public StreamHandle streamMessages(ProviderCall call, StreamObserver observer) {
    ObjectNode body = call.body().deepCopy();
    body.put("model", call.model().upstreamModel());
    body.put("stream", true);
    return http.stream(http.post(url(call.model()), headers(call), true), body, observer,
        relay -> new NativeStream(relay, call.model().upstreamModel()));
  }

  /** Relays Anthropic's events untouched, reading only what usage needs. */
  private final class NativeStream implements UpstreamHttp.Decoder {
    private final UpstreamHttp.Relay relay;
    private final ObjectNode usage = Json.object();
    private String model;

    NativeStream(UpstreamHttp.Relay relay, String model) {
      this.relay = relay;
      this.model = model;
    }

    @Override
    public void onEvent(String event, String data) {
      if (data == null) {
        return;
      }
      String type = event;
      JsonNode node = null;
      if (type == null || type.equals("message_start") || type.equals("message_delta") || type.equals("error")) {
        try {
          node = Json.MAPPER.readTree(data);
        } catch (IOException e) {
          relay.fail(brokenStream(http.provider(), "an event that is not JSON"));
          return;
        }
        type = node.path("type").asText(type == null ? "" : type);
      }
      switch (type) {
        case "message_start" -> {
          model = node.path("message").path("model").asText(model);
          AnthropicUsage.merge(usage, node.path("message").path("usage"));
          relay.partialUsage(AnthropicUsage.parse(usage), model);
        }
        case "message_delta" -> AnthropicUsage.merge(usage, node.path("usage"));
        case "error" -> {
          relay.fail(streamError(http.provider(), node.path("error")));
          return;
        }
        default -> { }
      }
      relay.emit(Buffer.buffer("event: " + type + "\ndata: " + data + "\n\n"));
      if (type.equals("message_stop")) {
        relay.usage(AnthropicUsage.parse(usage), model);
        relay.complete();
      }
    }

    @Override
    public void onEnd() {
      relay.fail(brokenStream(http.provider(), "the end of the stream before message_stop"));
    }
  }

  private static String url(ModelConfig model) {
    String base = model.baseUrl().orElseThrow();
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/messages";
  }

  private static Map<String, String> headers(ProviderCall call) {
    Map<String, String> h = new LinkedHashMap<>(call.model().headers());
    call.model().apiKey().ifPresent(k -> h.put("x-api-key", k));
    h.put("anthropic-version", call.model().option("anthropic-version").orElse(KnownProviders.ANTHROPIC_VERSION));
    String beta = call.forwardHeaders().get("anthropic-beta");
    if (beta != null) {
      h.merge("anthropic-beta", beta, (mine, theirs) -> mine + "," + theirs);
    }
    h.put("x-request-id", call.requestId());
    return h;
  }

  /** An {@code event: error} in the middle of a stream, with the HTTP status Anthropic uses for its type. */
  static UpstreamException streamError(String provider, JsonNode error) {
    String type = error.path("type").asText("api_error");
    int status = switch (type) {
      case "invalid_request_error" -> 400;
      case "authentication_error" -> 401;
      case "permission_error" -> 403;
      case "not_found_error" -> 404;
      case "request_too_large" -> 413;
      case "rate_limit_error" -> 429;
      case "overloaded_error" -> 529;
      default -> 500;
    };
    return new UpstreamException(provider, status, "upstream '" + provider + "' failed mid-stream: " + type + ": "
        + error.path("message").asText(""));
  }

  /** Translating adapters serve chat; completions and embeddings need an OpenAI-format upstream. */
  static InvalidRequestException chatOnly(ProviderCall call, String provider) {
    return new InvalidRequestException("model", "model '" + call.model().name() + "' is served by " + provider
        + ", which Tollgate serves for chat only (expected: /v1/chat/completions or /v1/messages)", "unsupported_operation");
  }

  static UpstreamException brokenStream(String provider, String what) {
    return new UpstreamException(provider, 200, "upstream '" + provider + "' sent " + what);
  }
}
