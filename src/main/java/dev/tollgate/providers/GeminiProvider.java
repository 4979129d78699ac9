package dev.tollgate.providers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig.UpstreamConfig;
import dev.tollgate.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Google AI's Gemini API: {@code POST {base-url}/models/{model}:generateContent} and
 * {@code :streamGenerateContent?alt=sse}, authenticated with {@code x-goog-api-key}. Requests and
 * answers are translated from and to OpenAI's format ({@link GeminiTranslator}, {@link GeminiToOpenAiStream}).
 */
public final class GeminiProvider implements ProviderClient {
  private final UpstreamHttp http;
  private final Clock clock;

  public GeminiProvider(HttpClient http, UpstreamConfig config, Clock clock) {
    this.http = new UpstreamHttp(http, config, "gemini");
    this.clock = clock;
  }

  @Override
  public Future<ProviderReply> call(ProviderCall call) {
    if (call.operation() != Operation.CHAT) {
      return Future.failedFuture(AnthropicProvider.chatOnly(call, http.provider()));
    }
    ObjectNode body = GeminiTranslator.toGeminiRequest(call.body(), call.model());
    return http.call(http.post(url(call.model(), false), headers(call), false), body, call.cancellation()).map(resp -> {
      TokenUsage usage = GeminiUsage.parse(resp.get("usageMetadata"));
      ObjectNode out = GeminiTranslator.toOpenAiResponse(resp, "chatcmpl-" + call.requestId(), call.model().upstreamModel(),
          clock.instant().getEpochSecond(), usage);
      return new ProviderReply(Buffer.buffer(Json.bytes(out)), usage, out.path("model").asText());
    });
  }

  @Override
  public StreamHandle stream(ProviderCall call, StreamObserver observer) {
    if (call.operation() != Operation.CHAT) {
      observer.onError(AnthropicProvider.chatOnly(call, http.provider()));
      return () -> { };
    }
    ObjectNode body = GeminiTranslator.toGeminiRequest(call.body(), call.model());
    long created = clock.instant().getEpochSecond();
    return http.stream(http.post(url(call.model(), true), headers(call), true), body, observer,
        relay -> new GeminiToOpenAiStream(relay, call, created, http.provider()));
  }

  private static String url(ModelConfig model, boolean stream) {
    String base = model.baseUrl().orElseThrow();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String name = model.upstreamModel().startsWith("models/") ? model.upstreamModel().substring(7) : model.upstreamModel();
    return base + "/models/" + name + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
  }

  private static Map<String, String> headers(ProviderCall call) {
    Map<String, String> h = new LinkedHashMap<>(call.model().headers());
    call.model().apiKey().ifPresent(k -> h.put("x-goog-api-key", k));
    return h;
  }
}
