package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.common.RateLimitedException;
import dev.tollgate.common.TollgateException;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig.MockConfig;
import dev.tollgate.providers.Operation;
import dev.tollgate.routing.RetryPolicy;
import dev.tollgate.routing.RoutingConfig;
import dev.tollgate.routing.Strategy;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import io.vertx.core.Future;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's side of the {@link Admission} contract, on every surface, proven with a fake admission. */
class AdmissionWiringHttpTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Admits with whatever the test set, and remembers every request, charge and close. */
  static final class FakeAdmission implements Admission {
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, List<UsageRecord>> charged = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> closed = new ConcurrentHashMap<>();
    volatile Optional<TollgateException> refuse = Optional.empty();
    volatile Optional<String> downgrade = Optional.empty();
    volatile OptionalLong cap = OptionalLong.empty();

    @Override
    public Future<Ticket> admit(Request request) {
      requests.add(request);
      if (refuse.isPresent()) {
        return Future.failedFuture(refuse.get());
      }
      Optional<String> down = downgrade;
      OptionalLong max = cap;
      String id = request.requestId();
      return Future.succeededFuture(new Ticket() {
        @Override
        public Map<String, String> headers() {
          return Map.of("x-ratelimit-remaining-requests", "41");
        }

        @Override
        public Optional<String> downgradeTo() {
          return down;
        }

        @Override
        public OptionalLong maxOutputTokens() {
          return max;
        }

        @Override
        public void charge(UsageRecord record) {
          charged.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(record);
        }

        @Override
        public void close() {
          closed.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        }
      });
    }

    int closes(String requestId) {
      AtomicInteger n = closed.get(requestId);
      return n == null ? 0 : n.get();
    }

    Request last() {
      return requests.getLast();
    }
  }

  @TempDir
  static Path dir;
  static FakeUpstream primary;
  static FakeUpstream secondary;
  static TestGateway gateway;
  static final FakeAdmission admission = new FakeAdmission();

  @BeforeAll
  static void start() {
    primary = FakeUpstream.start();
    secondary = FakeUpstream.start();
    gateway = TestGateway.builder(dir)
        .mock(new MockConfig(Duration.ZERO, Duration.ofMillis(50)))
        .admission(admission)
        .routing(RoutingConfig.ofDefaults().withRetry(new RetryPolicy(2, Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofSeconds(20))))
        .model(ModelConfig.openAiCompatible("up", "up-model", primary.baseUrl(), Optional.empty()))
        .model(ModelConfig.openAiCompatible("retried", "r-a", primary.baseUrl(), Optional.empty())
            .withRouting(List.of(), OptionalLong.empty(), Optional.of(Strategy.PRIORITY)).asDeployment("a", 1, 1, Optional.empty()))
        .model(ModelConfig.openAiCompatible("retried", "r-b", secondary.baseUrl(), Optional.empty())
            .withRouting(List.of(), OptionalLong.empty(), Optional.of(Strategy.PRIORITY)).asDeployment("b", 1, 2, Optional.empty()))
        .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    primary.close();
    secondary.close();
  }

  @BeforeEach
  void reset() {
    admission.refuse = Optional.empty();
    admission.downgrade = Optional.empty();
    admission.cap = OptionalLong.empty();
    primary.clearRequests();
    secondary.clearRequests();
    primary.replyWith(FakeUpstream.json(200, FakeUpstream.chatCompletion("up-model", "ok", 5, 2)));
    secondary.replyWith(FakeUpstream.json(200, FakeUpstream.chatCompletion("r-b", "from b", 5, 2)));
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.onSpinWait();
    }
  }

  private static JsonNode json(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  private static String chat(String model, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  }

  @Test
  void everySurface_asksAdmissionWithTheRequest_andAnswersWithTheTicketsHeaders() {
    String key = gateway.createKey().secret();
    Map<String, String> calls = Map.of(
        "/v1/chat/completions", chat("mock-small", false),
        "/v1/completions", "{\"model\":\"mock-small\",\"prompt\":\"Hi\"}",
        "/v1/embeddings", "{\"model\":\"mock-embed\",\"input\":\"Hi\"}",
        "/v1/messages", "{\"model\":\"mock-small\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    Map<String, Operation> ops = Map.of("/v1/chat/completions", Operation.CHAT, "/v1/completions", Operation.COMPLETIONS,
        "/v1/embeddings", Operation.EMBEDDINGS, "/v1/messages", Operation.CHAT);
    for (Map.Entry<String, String> c : calls.entrySet()) {
      String id = RequestIds.next();
      HttpResponse<String> resp = gateway.post(c.getKey(), key, c.getValue(), id);
      assertThat(resp.statusCode()).as(c.getKey()).isEqualTo(200);
      assertThat(resp.headers().firstValue("x-ratelimit-remaining-requests")).as(c.getKey()).hasValue("41");
      Admission.Request asked = admission.last();
      assertThat(asked.requestId()).isEqualTo(id);
      assertThat(asked.operation()).isEqualTo(ops.get(c.getKey()));
      assertThat(asked.body().path("model").asText()).startsWith("mock-");
      assertThat(asked.key().id()).isEqualTo(gateway.awaitUsage(id).keyId());
      await("ticket closed for " + c.getKey(), () -> admission.closes(id) == 1);
      assertThat(admission.charged.get(id)).hasSize(1);
    }
  }

  @Test
  void ticketHeaders_areOnStreamsAndOnErrors() {
    HttpResponse<String> stream = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("mock-small", true));
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("41");

    primary.replyWith(FakeUpstream.json(400, FakeUpstream.error("bad temperature", "invalid_request_error", "bad")));
    String id = RequestIds.next();
    HttpResponse<String> error = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("up", false), id);
    assertThat(error.statusCode()).isEqualTo(400);
    assertThat(error.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("41");
    HttpResponse<String> streamError = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("up", true));
    assertThat(streamError.statusCode()).isEqualTo(400);
    assertThat(streamError.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("41");
    await("ticket closed", () -> admission.closes(id) == 1);
    assertThat(admission.charged.get(id)).extracting(UsageRecord::status).containsExactly(400);
  }

  @Test
  void refusal_isA429WithRetryAfter_inTheCallersDialect_andNothingGoesUpstream() {
    admission.refuse = Optional.of(new RateLimitedException("rate_limit_exceeded", "key 'k' is over 10 requests per minute", Duration.ofSeconds(3)));
    String id = RequestIds.next();
    HttpResponse<String> openAi = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("up", false), id);
    assertThat(openAi.statusCode()).isEqualTo(429);
    assertThat(openAi.headers().firstValue("retry-after")).hasValue("3");
    assertThat(json(openAi.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
    assertThat(json(openAi.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");

    HttpResponse<String> anthropic = gateway.post("/v1/messages", gateway.masterKey(),
        "{\"model\":\"up\",\"max_tokens\":20,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(anthropic.statusCode()).isEqualTo(429);
    assertThat(json(anthropic.body()).path("type").asText()).isEqualTo("error");
    assertThat(json(anthropic.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");

    assertThat(gateway.post("/v1/embeddings", gateway.masterKey(), "{\"model\":\"mock-embed\",\"input\":\"x\"}").statusCode()).isEqualTo(429);
    assertThat(gateway.post("/v1/completions", gateway.masterKey(), "{\"model\":\"up\",\"prompt\":\"x\"}").statusCode()).isEqualTo(429);
    assertThat(primary.receivedCount()).isZero();
    assertThat(gateway.awaitUsage(id).status()).isEqualTo(429);
  }

  @Test
  void downgrade_routesToTheCheaperModel_andSaysSo() {
    admission.downgrade = Optional.of("mock-small");
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("mock-large", false), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("x-tollgate-downgraded-from")).hasValue("mock-large");
    assertThat(json(resp.body()).path("model").asText()).isEqualTo("mock-small");
    UsageRecord row = gateway.awaitUsage(id);
    assertThat(row.modelRequested()).isEqualTo("mock-large");
    assertThat(row.modelServed()).isEqualTo("mock-small");
  }

  @Test
  void outputCap_lowersTheRequestsLimit_orSetsOne_onBothSurfaces() {
    admission.cap = OptionalLong.of(5);
    gateway.post("/v1/chat/completions", gateway.masterKey(),
        "{\"model\":\"up\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(primary.takeRequest().json().path("max_tokens").asInt()).isEqualTo(5);

    gateway.post("/v1/chat/completions", gateway.masterKey(),
        "{\"model\":\"up\",\"max_completion_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(primary.takeRequest().json().path("max_completion_tokens").asInt()).as("a lower request keeps its own").isEqualTo(3);

    gateway.post("/v1/chat/completions", gateway.masterKey(), chat("up", false));
    assertThat(primary.takeRequest().json().path("max_tokens").asInt()).as("no limit asked: the cap is set").isEqualTo(5);

    gateway.post("/v1/messages", gateway.masterKey(),
        "{\"model\":\"up\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertThat(primary.takeRequest().json().path("max_tokens").asInt()).as("Anthropic surface, translated upstream").isEqualTo(5);
  }

  @Test
  void everyAttempt_isCharged_andTheTicketIsClosedOnce() {
    primary.replyWith(FakeUpstream.json(500, FakeUpstream.error("boom", "server_error", "x")));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("retried", false), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    await("ticket closed", () -> admission.closes(id) == 1);
    assertThat(admission.charged.get(id)).extracting(UsageRecord::attempt).containsExactly(1, 2);
    assertThat(admission.charged.get(id)).extracting(UsageRecord::status).containsExactly(502, 200);
    gateway.ledgerBarrier();
    assertThat(admission.closes(id)).isEqualTo(1);
  }

  @Test
  void aStreamBrokenByTheUpstream_isChargedAndClosedOnce() {
    primary.replyWith(FakeUpstream.sseThenBreak(List.of(FakeUpstream.chunk("up-model", "Hel"))));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("up", true), id);

    assertThat(resp.body()).contains("Hel").contains("\"error\"");
    assertThat(resp.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("41");
    await("ticket closed", () -> admission.closes(id) == 1);
    assertThat(admission.charged.get(id)).extracting(UsageRecord::status).containsExactly(502);
    gateway.ledgerBarrier();
    assertThat(admission.closes(id)).isEqualTo(1);
  }

  @Test
  void callerHangingUpMidStream_closesTheTicketOnce() throws Exception {
    String id = RequestIds.next();
    byte[] body = chat("mock-large", true).getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + gateway.masterKey()
          + "\r\nContent-Type: application/json\r\nx-request-id: " + id + "\r\nContent-Length: " + body.length
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      byte[] buf = new byte[512];
      while (received.indexOf("data: ") < 0) {
        int n = in.read(buf);
        assertThat(n).as("the stream started").isPositive();
        received.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
      assertThat(received.toString()).contains("x-ratelimit-remaining-requests: 41");
    }
    UsageRecord row = gateway.awaitUsage(id);
    assertThat(row.status()).isEqualTo(499);
    await("ticket closed", () -> admission.closes(id) == 1);
    assertThat(admission.charged.get(id)).extracting(UsageRecord::status).containsExactly(499);
    gateway.ledgerBarrier();
    assertThat(admission.closes(id)).isEqualTo(1);
  }
}
