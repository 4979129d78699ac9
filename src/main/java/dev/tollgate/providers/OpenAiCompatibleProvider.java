package dev.tollgate.providers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.common.TollgateException;
import dev.tollgate.common.UpstreamException;
import dev.tollgate.common.UpstreamTimeoutException;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig.UpstreamConfig;
import dev.tollgate.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Any server that speaks OpenAI's HTTP API ({@code /v1/chat/completions} ...): OpenAI itself, vLLM,
 * Ollama, Groq, Together ... The request is passed through with only the model name changed; for
 * streams, {@code stream_options.include_usage} is forced on upstream so usage is never lost, and the
 * extra usage chunk is hidden from callers who did not ask for it.
 */
public final class OpenAiCompatibleProvider implements ProviderClient {
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");

  private final HttpClient http;
  private final UpstreamConfig config;
  private final String providerName;
  private final Endpoint endpoint;
  /** Per event loop (one provider instance each), so a plain map; keyed by config identity. */
  private final Map<ModelConfig, Map<Operation, Target>> targets = new IdentityHashMap<>();
  private static final int MAX_TARGETS = 4096;

  /**
   * Where a call goes and how it authenticates: the URL (path and query included) and the headers
   * besides content-type/accept. The default is {@code {base-url}{operation path}} with a Bearer key.
   */
  @FunctionalInterface
  interface Endpoint {
    URI uri(ProviderCall call);

    default void authenticate(ProviderCall call, MultiMap headers) {
      call.model().apiKey().ifPresent(k -> headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + k));
      call.model().option("organization").ifPresent(o -> headers.add("OpenAI-Organization", o));
      call.model().option("project").ifPresent(p -> headers.add("OpenAI-Project", p));
    }
  }

  public OpenAiCompatibleProvider(HttpClient http, UpstreamConfig config, String providerName) {
    this(http, config, providerName, OpenAiCompatibleProvider::baseUrlPlusPath);
  }

  OpenAiCompatibleProvider(HttpClient http, UpstreamConfig config, String providerName, Endpoint endpoint) {
    this.http = http;
    this.config = config;
    this.providerName = providerName;
    this.endpoint = endpoint;
  }

  /** {@code {base-url}/chat/completions} ... : OpenAI and every OpenAI-compatible server. */
  static URI baseUrlPlusPath(ProviderCall call) {
    String base = call.model().baseUrl().orElseThrow();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + call.operation().path());
  }

  @Override
  public Future<ProviderReply> call(ProviderCall call) {
    ObjectNode body = call.body();
    body.put("model", call.model().upstreamModel());
    return http.request(options(call, false))
        .compose(req -> {
          call.cancellation().resets(req);
          return req.send(Buffer.buffer(Json.bytes(body)));
        })
        .compose(resp -> {
          keepTimingOut(resp);
          return resp.body().map(buf -> reply(call, resp, buf));
        })
        .recover(e -> Future.failedFuture(translate(e)));
  }

  private ProviderReply reply(ProviderCall call, HttpClientResponse resp, Buffer buf) {
    if (resp.statusCode() / 100 != 2) {
      throw upstreamError(resp.statusCode(), buf).withRetryAfter(RetryAfter.parse(resp.getHeader("retry-after"), Clock.systemUTC()));
    }
    // Only "usage" and "model" are needed: a streaming pass skips the choices instead of building a tree.
    JsonNode usage = null;
    String served = call.model().upstreamModel();
    try (JsonParser p = Json.MAPPER.createParser(buf.getBytes())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not an object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("usage") && value == JsonToken.START_OBJECT) {
          usage = Json.readSubtree(p);
        } else if (field.equals("model") && value == JsonToken.VALUE_STRING) {
          served = p.getText();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new UpstreamException(providerName, resp.statusCode(), "upstream '" + providerName + "' sent a body that is not JSON");
    }
    return new ProviderReply(buf, OpenAiUsage.parse(usage).orElse(TokenUsage.ZERO), served);
  }

  @Override
  public StreamHandle stream(ProviderCall call, StreamObserver observer) {
    ObjectNode body = call.body();
    body.put("model", call.model().upstreamModel());
    body.put("stream", true);
    ObjectNode streamOptions = body.with("stream_options");
    streamOptions.put("include_usage", true);
    AtomicBoolean finished = new AtomicBoolean();
    HttpClientRequest[] inFlight = new HttpClientRequest[1];
    http.request(options(call, true))
        .compose(req -> {
          inFlight[0] = req;
          if (finished.get()) { // the caller hung up while we were connecting
            req.reset();
            return Future.failedFuture(new IllegalStateException("cancelled"));
          }
          return req.send(Buffer.buffer(Json.bytes(body)));
        })
        .onFailure(e -> {
          if (finished.compareAndSet(false, true)) {
            observer.onError(translate(e));
          }
        })
        .onSuccess(resp -> {
          keepTimingOut(resp);
          if (resp.statusCode() / 100 != 2) {
            resp.body().onComplete(ar -> {
              if (finished.compareAndSet(false, true)) {
                observer.onError(upstreamError(resp.statusCode(), ar.succeeded() ? ar.result() : Buffer.buffer())
                    .withRetryAfter(RetryAfter.parse(resp.getHeader("retry-after"), Clock.systemUTC())));
              }
            });
            return;
          }
          relay(call, resp, observer, finished);
        });
    return () -> {
      if (finished.compareAndSet(false, true) && inFlight[0] != null) {
        inFlight[0].reset();
      }
    };
  }

  private void relay(ProviderCall call, HttpClientResponse resp, StreamObserver observer, AtomicBoolean finished) {
    Sse.Splitter splitter = new Sse.Splitter();
    boolean[] sawDone = {false};
    resp.handler(chunk -> {
      if (finished.get()) {
        return;
      }
      keepTimingOut(resp); // a full idle period from every chunk: vert.x's own rescheduling shrinks it each time
      splitter.feed(chunk, raw -> onEvent(call, raw, observer, sawDone));
      if (observer.writeQueueFull()) {
        resp.pause();
        observer.onDrain(resp::resume);
      }
    });
    resp.exceptionHandler(e -> {
      if (finished.compareAndSet(false, true)) {
        observer.onError(e instanceof TimeoutException ? translate(e)
            : new UpstreamException(providerName, "upstream '" + providerName + "' stream broke: " + e.getMessage(), e));
      }
    });
    resp.endHandler(v -> {
      String rest = splitter.remainder();
      if (!rest.isEmpty()) {
        onEvent(call, rest, observer, sawDone);
      }
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      if (!sawDone[0]) {
        observer.onError(new UpstreamException(providerName, 200, "upstream '" + providerName + "' ended the stream without [DONE]"));
        return;
      }
      observer.onComplete();
    });
  }

  private void onEvent(ProviderCall call, String raw, StreamObserver observer, boolean[] sawDone) {
    String data = Sse.dataOf(raw);
    if (data == null) {
      return; // comment or keep-alive
    }
    if (data.equals("[DONE]")) {
      sawDone[0] = true;
      observer.onEvent(Sse.DONE);
      return;
    }
    if (data.contains("\"usage\"")) {
      try {
        JsonNode chunk = Json.MAPPER.readTree(data);
        JsonNode usage = chunk.get("usage");
        if (usage != null && usage.isObject()) {
          observer.onUsage(OpenAiUsage.parse(usage).orElse(TokenUsage.ZERO), chunk.path("model").asText(call.model().upstreamModel()));
          JsonNode choices = chunk.get("choices");
          if (!call.clientWantsUsage() && (choices == null || choices.isEmpty())) {
            return; // the usage-only chunk the caller did not ask for
          }
        }
      } catch (IOException e) {
        // not JSON: forward as it is, the caller's SDK will report it
      }
    }
    observer.onEvent(Buffer.buffer("data: " + data + "\n\n"));
  }

  /**
   * Vert.x cancels a request's idle timeout when the response head arrives; re-arm it so that a body or
   * stream that stops sending for {@code upstream.request-timeout} fails instead of hanging forever.
   */
  private void keepTimingOut(HttpClientResponse resp) {
    resp.request().idleTimeout(config.requestTimeout().toMillis());
  }

  /** Where one (model, operation) goes, parsed once: URIs are not re-parsed on every request. */
  private record Target(String host, int port, boolean tls, String path) {}

  private Target target(ProviderCall call) {
    Map<Operation, Target> byOp = targets.get(call.model());
    if (byOp == null) {
      if (targets.size() >= MAX_TARGETS) {
        targets.clear(); // wildcard routes can mint many model configs; keep the cache bounded
      }
      byOp = new EnumMap<>(Operation.class);
      targets.put(call.model(), byOp);
    }
    return byOp.computeIfAbsent(call.operation(), op -> {
      URI uri = endpoint.uri(call);
      boolean tls = "https".equals(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      if (uri.getRawQuery() != null) {
        path += "?" + uri.getRawQuery();
      }
      return new Target(uri.getHost(), port, tls, path);
    });
  }

  private RequestOptions options(ProviderCall call, boolean stream) {
    Target t = target(call);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .add(HttpHeaders.ACCEPT, stream ? EVENT_STREAM : APPLICATION_JSON);
    call.model().headers().forEach(headers::set);
    endpoint.authenticate(call, headers);
    headers.add("x-request-id", call.requestId());
    return new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(t.host())
        .setPort(t.port())
        .setSsl(t.tls())
        .setURI(t.path())
        .setHeaders(headers)
        .setConnectTimeout(config.connectTimeout().toMillis())
        .setIdleTimeout(config.requestTimeout().toMillis());
  }

  private UpstreamException upstreamError(int status, Buffer body) {
    String detail = body.length() > 2000 ? body.getString(0, 2000) : body.toString();
    try {
      JsonNode tree = Json.MAPPER.readTree(body.getBytes());
      JsonNode msg = tree.path("error").path("message");
      if (msg.isTextual()) {
        detail = msg.asText();
      }
    } catch (IOException | RuntimeException e) {
      // keep the raw text
    }
    return new UpstreamException(providerName, status, "upstream '" + providerName + "' answered " + status + ": " + detail);
  }

  private TollgateException translate(Throwable e) {
    if (e instanceof TollgateException te) {
      return te;
    }
    if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
      return new UpstreamTimeoutException(providerName, "no response", config.requestTimeout());
    }
    return new UpstreamException(providerName, "upstream '" + providerName + "' unreachable: " + e.getMessage(), e);
  }
}
