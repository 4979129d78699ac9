package dev.tollgate.providers;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static dev.tollgate.testing.OpenAiErrors.assertErrorJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig.UpstreamConfig;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upstream that stops answering: {@code upstream.request-timeout} turns it into a 504. */
class UpstreamTimeoutTest {
  private static final String MODEL = "stalled-model";

  @TempDir
  static Path dir;
  static FakeUpstream upstream;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    upstream = FakeUpstream.start();
    gateway = TestGateway.builder(dir)
        .upstream(new UpstreamConfig(16, Duration.ofSeconds(1), Duration.ofMillis(400)))
        .model(ModelConfig.openAiCompatible("stalled", MODEL, upstream.baseUrl(), Optional.empty()))
        .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.close();
  }

  @Test
  void upstreamNeverAnswers_returns504UpstreamTimeout() {
    upstream.replyWith((req, vertx) -> { /* never answers */ });
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(),
        "{\"model\":\"stalled\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    assertError(resp, 504, "upstream_error", "upstream_timeout");
    assertThat(gateway.awaitUsage(requestId).status()).isEqualTo(504);
  }

  @Test
  void upstreamStallsMidStream_endsTheStreamWithATimeoutEvent() {
    upstream.replyWith((req, vertx) -> req.response().setChunked(true).putHeader("content-type", "text/event-stream")
        .write("data: " + FakeUpstream.chunk(MODEL, "first") + "\n\n"));
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(),
        "{\"model\":\"stalled\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    List<String> events = OpenAiCompatibleProviderTest.dataEvents(resp.body());
    assertThat(events).hasSize(2);
    assertErrorJson(events.get(1), "upstream_error", "upstream_timeout");
    assertThat(gateway.awaitUsage(requestId).status()).isEqualTo(504);
  }

  @Test
  void upstreamSendsHeadThenStallsTheBody_returns504() {
    upstream.replyWith((req, vertx) -> req.response().setChunked(true).putHeader("content-type", "application/json")
        .write("{\"id\":\"chatcmpl-1\","));

    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(),
        "{\"model\":\"stalled\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertError(resp, 504, "upstream_error", "upstream_timeout");
  }

  @Test
  void slowStreamThatKeepsSending_isNotCut() {
    List<String> payloads = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      payloads.add(FakeUpstream.chunk(MODEL, " w" + i));
    }
    payloads.add(FakeUpstream.usageChunk(MODEL, 3, 20));
    // 100 ms between events, 400 ms timeout: about 2 s in all, far beyond the timeout, but never idle for it.
    upstream.replyWith(FakeUpstream.slowSse(payloads, Duration.ofMillis(100)));
    String requestId = RequestIds.next();

    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(),
        "{\"model\":\"stalled\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", requestId);

    List<String> events = OpenAiCompatibleProviderTest.dataEvents(resp.body());
    assertThat(events).hasSize(21).endsWith("[DONE]");
    assertThat(gateway.awaitUsage(requestId).status()).isEqualTo(200);
  }
}
