package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.Tollgate;
import dev.tollgate.common.Json;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.usage.UsageQuery;
import dev.tollgate.usage.UsageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A real gateway on a free port with a temp DuckDB ledger, and the small HTTP helpers tests share. */
public final class GatewayHarness implements AutoCloseable {
  public static final String MASTER = "tg-master-test-key-0123456789";
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public final Tollgate tollgate;

  private GatewayHarness(Tollgate tollgate) {
    this.tollgate = tollgate;
  }

  public static GatewayHarness start(Path tmp, List<ModelConfig> models) {
    return start(tmp, TollgateConfig.ofDefaults().withModels(models));
  }

  public static GatewayHarness start(Path tmp, TollgateConfig base) {
    TollgateConfig config = base
        .withServer(new TollgateConfig.ServerConfig("127.0.0.1", 0, 10L << 20, 1))
        .withStore(TollgateConfig.StoreConfig.duckDbFile(tmp.resolve("tollgate.duckdb")))
        .withAuth(new TollgateConfig.AuthConfig(Optional.of(MASTER)));
    return new GatewayHarness(Tollgate.start(config, Clock.systemUTC()));
  }

  public String baseUrl() {
    return tollgate.baseUrl();
  }

  /** A POST with the master key (unless {@code headers} bring their own credentials); returns status and body. */
  public HttpResponse<String> post(String path, String json, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    if (!headers.containsKey("authorization") && !headers.containsKey("x-api-key")) {
      b.header("authorization", "Bearer " + MASTER);
    }
    headers.forEach(b::header);
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> post(String path, String json) {
    return post(path, json, Map.of());
  }

  public HttpResponse<String> get(String path) {
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("authorization", "Bearer " + MASTER)
          .GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends a streaming request over a raw socket, reads until {@code marker} has arrived, then hangs up
   * (the way a client that goes away does). Returns what was read.
   */
  public String postAndHangUpAfter(String path, String json, String marker) {
    try (Socket socket = new Socket("127.0.0.1", tollgate.port())) {
      socket.setSoTimeout(10_000);
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + MASTER
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder read = new StringBuilder();
      byte[] buf = new byte[4096];
      while (!read.toString().contains(marker)) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        read.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
      return read.toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The newest ledger row of a gateway that served one request. The row is recorded just after the last
   * byte goes out, so this waits for it.
   */
  public UsageRecord lastRecord() {
    return awaitRecord(1);
  }

  public List<UsageRecord> records(int n) {
    try {
      tollgate.usageWriter().flush(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return tollgate.usageStore().query(UsageQuery.latest(n)).records();
  }

  /** Waits until the ledger has a row for a request that is still finishing (streams end asynchronously). */
  public UsageRecord awaitRecord(int expectedCount) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<UsageRecord> rows = records(Math.max(1, expectedCount));
      if (rows.size() >= expectedCount) {
        return rows.get(0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + expectedCount + " ledger rows, found " + rows.size());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  public static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The JSON payloads of an SSE body's {@code data:} lines, {@code [DONE]} excluded. */
  public static List<JsonNode> dataEvents(String sse) {
    return FakeUpstream.events(sse).stream().map(Sse::dataOf).filter(d -> d != null && !d.equals("[DONE]"))
        .map(GatewayHarness::json).toList();
  }

  @Override
  public void close() {
    tollgate.close();
  }
}
