package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig.MockConfig;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller that hangs up mid-stream: the ledger row says 499 and {@code CLIENT_CLOSED}, and the upstream
 * request is cancelled so nobody keeps paying for tokens no one reads. The caller is a raw socket, so
 * "hang up" means exactly one TCP close after the first event.
 */
class ClientDisconnectTest {
  private static final String UPSTREAM_MODEL = "slow-upstream-model";

  @TempDir
  static Path dir;
  static FakeUpstream upstream;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    upstream = FakeUpstream.start();
    gateway = TestGateway.builder(dir)
        .mock(new MockConfig(Duration.ZERO, Duration.ofMillis(50)))
        .model(ModelConfig.openAiCompatible("slow-up", UPSTREAM_MODEL, upstream.baseUrl(), Optional.empty()))
        .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.close();
  }

  @BeforeEach
  void forgetEarlierUpstreamRequests() {
    upstream.clearRequests();
  }

  @Test
  void mockStream_clientClosesAfterFirstChunk_recordsStatus499ClientClosed() throws Exception {
    String requestId = RequestIds.next();
    String secret = gateway.createKey().secret();

    String firstEvent = readFirstEventThenHangUp(secret, requestId,
        "{\"model\":\"mock-large\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a long answer please\"}]}");

    assertThat(firstEvent).contains("chat.completion.chunk");
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.status()).isEqualTo(499);
    assertThat(row.flags()).contains(UsageFlag.CLIENT_CLOSED);
    assertThat(row.errorClass()).contains("client_closed");
    assertThat(row.stream()).isTrue();
    assertThat(row.firstTokenAt()).isPresent();
    assertThat(gateway.usageRows(requestId)).as("exactly one row").hasSize(1);
  }

  @Test
  void upstreamStream_clientClosesAfterFirstChunk_cancelsTheUpstreamRequest() throws Exception {
    List<String> payloads = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      payloads.add(FakeUpstream.chunk(UPSTREAM_MODEL, " word" + i));
    }
    upstream.replyWith(FakeUpstream.slowSse(payloads, Duration.ofMillis(50)));
    int closedBefore = upstream.closedConnections();
    String requestId = RequestIds.next();

    readFirstEventThenHangUp(gateway.masterKey(), requestId,
        "{\"model\":\"slow-up\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go on\"}]}");

    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.status()).isEqualTo(499);
    assertThat(row.flags()).contains(UsageFlag.CLIENT_CLOSED, UsageFlag.ESTIMATED);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (upstream.closedConnections() == closedBefore && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(upstream.closedConnections()).as("the upstream connection was reset").isGreaterThan(closedBefore);
  }

  @Test
  void nonStreamedCall_clientClosesBeforeTheAnswer_cancelsTheUpstreamAndRecords499Estimated() throws Exception {
    upstream.replyWith((req, vertx) -> vertx.setTimer(2_000, id -> {
      if (!req.response().closed()) {
        req.response().putHeader("content-type", "application/json").end(FakeUpstream.chatCompletion(UPSTREAM_MODEL, "too late", 7, 3));
      }
    }));
    int closedBefore = upstream.closedConnections();
    String requestId = RequestIds.next();
    byte[] body = "{\"model\":\"slow-up\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8);

    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + gateway.masterKey() + "\r\nContent-Type: application/json\r\nx-request-id: " + requestId
          + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      upstream.takeRequest(); // the call is in flight upstream; now hang up
    }

    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.status()).isEqualTo(499);
    assertThat(row.flags()).contains(UsageFlag.CLIENT_CLOSED, UsageFlag.ESTIMATED);
    // the provider never reported usage: the prompt is counted with the tokenizer, no output was received
    assertThat(row.usage().totalInputTokens()).isPositive();
    assertThat(row.usage().totalOutputTokens()).isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (upstream.closedConnections() == closedBefore && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(upstream.closedConnections()).as("the upstream request was reset, not left running").isGreaterThan(closedBefore);
  }

  /** Sends a streaming request over a raw socket, reads up to the first SSE event, then closes the socket. */
  private static String readFirstEventThenHangUp(String apiKey, String requestId, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + apiKey
          + "\r\nContent-Type: application/json\r\nx-request-id: " + requestId + "\r\nContent-Length: " + body.length
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      byte[] buf = new byte[512];
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          throw new AssertionError("the gateway closed the stream before the first event: " + received);
        }
        received.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        int start = received.indexOf("data: ");
        if (start >= 0 && received.indexOf("\n\n", start) > 0) {
          assertThat(received.toString()).startsWith("HTTP/1.1 200");
          return received.substring(start, received.indexOf("\n\n", start));
        }
      }
    }
  }
}
