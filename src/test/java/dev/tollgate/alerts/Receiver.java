package dev.tollgate.alerts;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real HTTP receiver on loopback: records every POST and answers with queued statuses (then 200). */
final class Receiver implements AutoCloseable {
  record Hit(String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().getFirst()).orElse(null);
    }
  }

  private final HttpServer server;
  private final LinkedBlockingQueue<Hit> hits = new LinkedBlockingQueue<>();
  private final Deque<Integer> statuses = new ArrayDeque<>();

  Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      hits.add(new Hit(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
      int status;
      synchronized (statuses) {
        status = statuses.isEmpty() ? 200 : statuses.poll();
      }
      byte[] out = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
  }

  /** The next answers, in order; after them every request gets 200. */
  void answer(Integer... codes) {
    synchronized (statuses) {
      statuses.addAll(List.of(codes));
    }
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  Hit take() throws InterruptedException {
    Hit h = hits.poll(10, TimeUnit.SECONDS);
    if (h == null) {
      throw new AssertionError("no request reached the receiver within 10 s");
    }
    return h;
  }

  /** Whether another request arrives within {@code wait}. */
  boolean quietFor(Duration wait) throws InterruptedException {
    return hits.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
