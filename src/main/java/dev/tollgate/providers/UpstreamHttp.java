package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import dev.tollgate.common.TollgateException;
import dev.tollgate.common.UpstreamException;
import dev.tollgate.common.UpstreamTimeoutException;
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
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The HTTP plumbing the translating adapters share: one JSON POST, a JSON or SSE answer, upstream
 * errors turned into {@link UpstreamException} with the provider's own message, and streams relayed
 * event by event with back-pressure and a cancel that resets the upstream request.
 */
final class UpstreamHttp {
  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");

  private final HttpClient http;
  private final UpstreamConfig config;
  private final String provider;

  UpstreamHttp(HttpClient http, UpstreamConfig config, String provider) {
    this.http = http;
    this.config = config;
    this.provider = provider;
  }

  String provider() {
    return provider;
  }

  /** A POST to an absolute URL (path and query included) with JSON in and JSON or SSE out. */
  RequestOptions post(String url, Map<String, String> headers, boolean stream) {
    URI uri = URI.create(url);
    boolean tls = "https".equals(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    MultiMap h = MultiMap.caseInsensitiveMultiMap()
        .add(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .add(HttpHeaders.ACCEPT, stream ? EVENT_STREAM : APPLICATION_JSON);
    headers.forEach(h::set);
    return new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(uri.getHost())
        .setPort(port)
        .setSsl(tls)
        .setURI(path)
        .setHeaders(h)
        .setConnectTimeout(config.connectTimeout().toMillis())
        .setIdleTimeout(config.requestTimeout().toMillis());
  }

  /** A non-streamed call: the parsed JSON answer, or a failed future with a {@code TollgateException}. */
  Future<JsonNode> call(RequestOptions options, JsonNode body, Cancellation cancellation) {
    return http.request(options)
        .compose(req -> {
          cancellation.resets(req);
          return req.send(Buffer.buffer(Json.bytes(body)));
        })
        .compose(resp -> resp.body().map(buf -> {
          if (resp.statusCode() / 100 != 2) {
            throw error(resp.statusCode(), buf).withRetryAfter(RetryAfter.parse(resp.getHeader("retry-after"), java.time.Clock.systemUTC()));
          }
          try {
            return Json.MAPPER.readTree(buf.getBytes());
          } catch (IOException e) {
            throw new UpstreamException(provider, resp.statusCode(), "upstream '" + provider + "' sent a body that is not JSON");
          }
        }))
        .recover(e -> Future.failedFuture(translate(e)));
  }

  /** What a provider's stream parser does with the raw events of one upstream stream. */
  interface Decoder {
    /** One SSE event: its {@code event:} name (null when absent) and joined {@code data:} lines (null when none). */
    void onEvent(String event, String data);

    /** The upstream closed the response normally; the decoder completes or fails the relay. */
    void onEnd();
  }

  /**
   * Streams {@code body} to the upstream and feeds its SSE events, as they arrive, to the decoder that
   * {@code decoders} builds around the relay. The returned handle resets the upstream request.
   */
  StreamHandle stream(RequestOptions options, JsonNode body, StreamObserver observer, Function<Relay, Decoder> decoders) {
    Relay relay = new Relay(observer);
    Decoder decoder = decoders.apply(relay);
    http.request(options)
        .compose(req -> {
          if (relay.finished) { // cancelled while connecting
            req.reset();
            return Future.failedFuture(new IllegalStateException("cancelled"));
          }
          relay.request = req;
          return req.send(Buffer.buffer(Json.bytes(body)));
        })
        .onFailure(e -> relay.fail(translate(e)))
        .onSuccess(resp -> {
          if (resp.statusCode() / 100 != 2) {
            resp.body().onComplete(ar -> relay.fail(error(resp.statusCode(), ar.succeeded() ? ar.result() : Buffer.buffer())
                .withRetryAfter(RetryAfter.parse(resp.getHeader("retry-after"), java.time.Clock.systemUTC()))));
            return;
          }
          relay(resp, relay, decoder);
        });
    return relay::cancel;
  }

  private void relay(HttpClientResponse resp, Relay relay, Decoder decoder) {
    Sse.Splitter splitter = new Sse.Splitter();
    resp.handler(chunk -> {
      if (relay.finished) {
        return;
      }
      splitter.feed(chunk, raw -> {
        if (!relay.finished) {
          decoder.onEvent(Sse.eventOf(raw), Sse.dataOf(raw));
        }
      });
      if (!relay.finished && relay.observer.writeQueueFull()) {
        resp.pause();
        relay.observer.onDrain(resp::resume);
      }
    });
    resp.exceptionHandler(e -> relay.fail(new UpstreamException(provider,
        "upstream '" + provider + "' stream broke: " + e.getMessage(), e)));
    resp.endHandler(v -> {
      String rest = splitter.remainder();
      if (!rest.isEmpty() && !relay.finished) {
        decoder.onEvent(Sse.eventOf(rest), Sse.dataOf(rest));
      }
      if (!relay.finished) {
        decoder.onEnd();
      }
    });
  }

  /** The decoder's side of one stream: everything it may tell the observer, each end at most once. */
  static final class Relay {
    final StreamObserver observer;
    private HttpClientRequest request;
    private boolean finished;

    Relay(StreamObserver observer) {
      this.observer = observer;
    }

    boolean finished() {
      return finished;
    }

    void emit(Buffer sseEvent) {
      if (!finished) {
        observer.onEvent(sseEvent);
      }
    }

    void partialUsage(TokenUsage usage, String servedModel) {
      if (!finished) {
        observer.onPartialUsage(usage, servedModel);
      }
    }

    void usage(TokenUsage usage, String servedModel) {
      if (!finished) {
        observer.onUsage(usage, servedModel);
      }
    }

    void complete() {
      if (!finished) {
        finished = true;
        observer.onComplete();
      }
    }

    /** Ends the stream with an error; the upstream request is reset if it is still open. */
    void fail(TollgateException error) {
      if (!finished) {
        finished = true;
        reset();
        observer.onError(error);
      }
    }

    private void cancel() {
      if (!finished) {
        finished = true;
        reset();
      }
    }

    private void reset() {
      if (request != null) {
        request.reset();
      }
    }
  }

  /** An upstream error answer, with the provider's own message ({@code error.message} in all three formats). */
  UpstreamException error(int status, Buffer body) {
    String detail = body.length() > 2000 ? body.getString(0, 2000) : body.toString();
    try {
      JsonNode err = Json.MAPPER.readTree(body.getBytes()).path("error");
      JsonNode msg = err.path("message");
      if (msg.isTextual()) {
        String type = err.path("type").isTextual() ? err.path("type").asText() : err.path("status").asText("");
        detail = type.isEmpty() ? msg.asText() : type + ": " + msg.asText();
      }
    } catch (IOException | RuntimeException e) {
      // keep the raw text
    }
    return new UpstreamException(provider, status, "upstream '" + provider + "' answered " + status + ": " + detail);
  }

  TollgateException translate(Throwable e) {
    if (e instanceof TollgateException te) {
      return te;
    }
    if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
      return new UpstreamTimeoutException(provider, "no response", config.requestTimeout());
    }
    return new UpstreamException(provider, "upstream '" + provider + "' unreachable: " + e.getMessage(), e);
  }
}
