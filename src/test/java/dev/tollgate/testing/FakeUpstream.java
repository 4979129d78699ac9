package dev.tollgate.testing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OpenAI-compatible provider: a real HTTP server on port 0 (Vert.x) that records every request
 * it receives and answers with whatever {@link Reply} the test set, in OpenAI's exact wire format.
 */
public final class FakeUpstream implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One request as the upstream saw it. Header names are case-insensitive. */
  public record Received(String method, String path, MultiMap headers, String body) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("upstream received a body that is not JSON: " + body, e);
      }
    }
  }

  /** How the fake answers; runs on its event loop. */
  @FunctionalInterface
  public interface Reply {
    void send(HttpServerRequest request, Vertx vertx);
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final AtomicInteger closedConnections = new AtomicInteger();
  private volatile Reply reply = json(200, chatCompletion("upstream-model", "Hello from upstream.", 9, 4));

  private FakeUpstream(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static FakeUpstream start() {
    Vertx vertx = Vertx.vertx();
    FakeUpstream[] self = new FakeUpstream[1];
    HttpServer server = vertx.createHttpServer()
        .connectionHandler(conn -> conn.closeHandler(v -> self[0].closedConnections.incrementAndGet()))
        .requestHandler(req -> req.body().onSuccess(body -> {
          self[0].received.add(new Received(req.method().name(), req.path(),
              MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.toString()));
          self[0].reply.send(req, vertx);
        }));
    self[0] = new FakeUpstream(vertx, server);
    try {
      server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("fake upstream did not start", e);
    }
    return self[0];
  }

  /** The base URL to configure on a model: {@code http://127.0.0.1:<port>/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  /** Answers every following request this way. */
  public void replyWith(Reply reply) {
    this.reply = requireNonNull(reply, "reply");
  }

  /** The oldest request not taken yet; fails if none arrives within 10 s. */
  public Received takeRequest() {
    try {
      Received r = received.poll(10, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("the fake upstream received no request within 10 s");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** How many requests are waiting to be taken. */
  public int receivedCount() {
    return received.size();
  }

  /** Answers the first request with {@code replies[0]}, the second with {@code replies[1]} ..., then the last one again. */
  public static Reply sequence(Reply... replies) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return (req, vertx) -> replies[Math.min(n.getAndIncrement(), replies.length - 1)].send(req, vertx);
  }

  /** Forgets requests received so far. */
  public void clearRequests() {
    received.clear();
  }

  /** How many client connections have been closed so far (by either side). */
  public int closedConnections() {
    return closedConnections.get();
  }

  /** A TCP port nothing listens on: connecting to it is refused. */
  public static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- replies ----

  public static Reply json(int status, String body) {
    return (req, vertx) -> req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  /** A complete SSE stream: each payload as a {@code data:} event, then {@code data: [DONE]}. */
  public static Reply sse(List<String> payloads) {
    return (req, vertx) -> {
      var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      payloads.forEach(p -> resp.write("data: " + p + "\n\n"));
      resp.end("data: [DONE]\n\n");
    };
  }

  /** Sends the payloads, then closes the TCP connection without ending the response. */
  public static Reply sseThenBreak(List<String> payloads) {
    return (req, vertx) -> {
      var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      payloads.forEach(p -> resp.write("data: " + p + "\n\n"));
      vertx.setTimer(200, id -> req.connection().close());
    };
  }

  /** A stream that sends one payload every {@code delay}, then {@code [DONE]}. */
  public static Reply slowSse(List<String> payloads, Duration delay) {
    return (req, vertx) -> {
      var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      Iterator<String> it = new ArrayList<>(payloads).iterator();
      vertx.setPeriodic(1, delay.toMillis(), id -> {
        if (resp.closed() || resp.ended()) {
          vertx.cancelTimer(id);
          return;
        }
        if (it.hasNext()) {
          resp.write("data: " + it.next() + "\n\n");
        } else {
          vertx.cancelTimer(id);
          resp.end("data: [DONE]\n\n");
        }
      });
    };
  }

  // ---- OpenAI wire format ----

  public static String chatCompletion(String model, String content, long promptTokens, long completionTokens) {
    return """
        {"id":"chatcmpl-up1","object":"chat.completion","created":1760000000,"model":"%s",
         "choices":[{"index":0,"message":{"role":"assistant","content":%s,"refusal":null,"annotations":[]},
                     "logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,
                  "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
                  "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,
                     "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
         "service_tier":"default","system_fingerprint":"fp_fake"}"""
        .formatted(model, quote(content), promptTokens, completionTokens, promptTokens + completionTokens);
  }

  /** A content chunk; {@code "usage": null} as OpenAI sends it when include_usage is on. */
  public static String chunk(String model, String content) {
    return ("{\"id\":\"chatcmpl-up1\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,\"model\":\"%s\","
        + "\"system_fingerprint\":\"fp_fake\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%s},\"logprobs\":null,"
        + "\"finish_reason\":null}],\"usage\":null}").formatted(model, quote(content));
  }

  public static String finishChunk(String model) {
    return ("{\"id\":\"chatcmpl-up1\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,\"model\":\"%s\","
        + "\"system_fingerprint\":\"fp_fake\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
        + "\"finish_reason\":\"stop\"}],\"usage\":null}").formatted(model);
  }

  /** The usage-only chunk OpenAI sends last when {@code stream_options.include_usage} is true. */
  public static String usageChunk(String model, long promptTokens, long completionTokens) {
    return ("{\"id\":\"chatcmpl-up1\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,\"model\":\"%s\","
        + "\"system_fingerprint\":\"fp_fake\",\"choices\":[],\"usage\":{\"prompt_tokens\":%d,\"completion_tokens\":%d,"
        + "\"total_tokens\":%d,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
        + "\"rejected_prediction_tokens\":0}}}").formatted(model, promptTokens, completionTokens, promptTokens + completionTokens);
  }

  /** OpenAI's error body, with {@code param} null. */
  public static String error(String message, String type, String code) {
    return "{\"error\":{\"message\":%s,\"type\":\"%s\",\"param\":null,\"code\":%s}}".formatted(quote(message), type,
        quote(code));
  }

  private static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("fake upstream did not stop", e);
    }
  }
}
