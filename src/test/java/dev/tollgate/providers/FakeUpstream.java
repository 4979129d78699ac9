package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.common.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A provider stand-in: a real HTTP server on a free port that records every request exactly as it
 * arrived (method, path, query, headers, body) and answers with scripted responses in the provider's
 * wire format: JSON, an SSE stream, a stream cut off by a connection reset, or a stream that never ends
 * (to watch the gateway cancel it).
 */
public final class FakeUpstream implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Deque<Responder> script = new ArrayDeque<>();
  private final LinkedBlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();
  /** Completes when the gateway closed a connection whose response was still open. */
  public final CompletableFuture<Void> cancelled = new CompletableFuture<>();

  /** One recorded request. Header names are lower-cased. */
  public record Recorded(String method, String path, String query, Map<String, String> headers, String body) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** How to answer one request. */
  @FunctionalInterface
  public interface Responder {
    void respond(HttpServerRequest req, FakeUpstream upstream);
  }

  private FakeUpstream() {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      Map<String, String> headers = new TreeMap<>();
      req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
      requests.add(new Recorded(req.method().name(), req.path(), req.query(), headers, body.toString(StandardCharsets.UTF_8)));
      Responder r;
      synchronized (script) {
        r = script.isEmpty() ? json(500, "{\"error\":{\"message\":\"no scripted response\"}}") : script.poll();
      }
      r.respond(req, this);
    }));
    try {
      server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static FakeUpstream start() {
    return new FakeUpstream();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Answers the next request with {@code responder}; responses are used in order. */
  public FakeUpstream then(Responder responder) {
    synchronized (script) {
      script.add(responder);
    }
    return this;
  }

  /** The next recorded request (waits up to 10 s). */
  public Recorded take() {
    try {
      Recorded r = requests.poll(10, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("the upstream received no request");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int received() {
    return requests.size();
  }

  public static Responder json(int status, String body) {
    return (req, up) -> req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  /** The events of an SSE fixture, written one by one with {@code delayMs} between them, then the end. */
  public static Responder sse(String fixtureText, long delayMs) {
    return sse(events(fixtureText), delayMs, Ending.END);
  }

  /** How a scripted stream ends. */
  public enum Ending { END, RESET, HANG }

  public static Responder sse(List<String> events, long delayMs, Ending ending) {
    return (req, up) -> {
      var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      resp.closeHandler(v -> up.cancelled.complete(null));
      Runnable[] step = new Runnable[1];
      int[] i = {0};
      step[0] = () -> {
        if (resp.closed()) {
          return;
        }
        if (i[0] < events.size()) {
          resp.write(Buffer.buffer(events.get(i[0]++)));
          up.vertx.setTimer(Math.max(1, delayMs), id -> step[0].run());
          return;
        }
        switch (ending) {
          case END -> resp.end();
          case RESET -> req.connection().close();
          case HANG -> { } // keep the stream open until the gateway goes away
        }
      };
      step[0].run();
    };
  }

  /** Splits SSE text into events, each with its own trailing blank line (LF or CRLF, as written). */
  /** The events of an SSE body; comment-only events (such as the gateway's cost comment) are skipped, as SSE parsers do. */
  public static List<String> events(String text) {
    return rawEvents(text).stream().filter(e -> !e.lines().allMatch(l -> l.startsWith(":") || l.isBlank())).toList();
  }

  public static List<String> rawEvents(String text) {
    List<String> out = new java.util.ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\r?\n\r?\n").matcher(text);
    int start = 0;
    while (m.find()) {
      String event = text.substring(start, m.end());
      if (!event.isBlank()) {
        out.add(event.stripLeading());
      }
      start = m.end();
    }
    if (!text.substring(start).isBlank()) {
      out.add(text.substring(start).strip() + "\n\n");
    }
    return out;
  }

  /** A fixture file's text, from {@code src/test/resources/fixtures/}. */
  public static String fixture(String path) {
    try (InputStream in = FakeUpstream.class.getResourceAsStream("/fixtures/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort
    }
  }
}
