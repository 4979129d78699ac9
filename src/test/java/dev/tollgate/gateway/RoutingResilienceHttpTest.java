package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.routing.BreakerConfig;
import dev.tollgate.routing.RetryPolicy;
import dev.tollgate.routing.RoutingConfig;
import dev.tollgate.routing.Strategy;
import dev.tollgate.routing.Timeouts;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries, breakers, timeouts and fallbacks against fault-injecting upstreams: real HTTP servers that answer
 * 500, 429 with Retry-After, hang before headers, stall before the first token, reset the connection,
 * break mid-stream or send invalid JSON. Each model here has its own deployments, so breakers do not leak
 * between tests.
 */
class RoutingResilienceHttpTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir
  static Path dir;
  static FakeUpstream primary;
  static FakeUpstream secondary;
  static TestGateway gateway;

  static ModelConfig deployment(String model, String id, FakeUpstream upstream, int priority) {
    return ModelConfig.openAiCompatible(model, "up-" + id, upstream.baseUrl(), Optional.empty())
        .withRouting(List.of(), OptionalLong.empty(), Optional.of(Strategy.PRIORITY))
        .asDeployment(id, 1, priority, Optional.of("local"));
  }

  static ModelConfig single(String model, FakeUpstream upstream, List<String> fallbacks, OptionalLong window) {
    return ModelConfig.openAiCompatible(model, "up-" + model, upstream.baseUrl(), Optional.empty())
        .withRouting(fallbacks, window, Optional.empty());
  }

  @BeforeAll
  static void start() {
    primary = FakeUpstream.start();
    secondary = FakeUpstream.start();
    TestGateway.Builder b = TestGateway.builder(dir)
        .routing(RoutingConfig.ofDefaults()
            .withRetry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(20)))
            .withBreaker(new BreakerConfig(3, Duration.ofMinutes(5), 1))
            .withTimeouts(new Timeouts(Duration.ofMillis(700), Duration.ofMillis(800), Duration.ofMillis(1500))));
    for (String m : List.of("m500", "mhang", "mslow", "mreset", "mbroken", "mjson", "mbreaker", "midle")) {
      b.model(deployment(m, "a", primary, 1)).model(deployment(m, "b", secondary, 2));
    }
    b.model(new ModelConfig("mmixed", "anthropic", "claude-x", Optional.of(primary.baseUrl()), Optional.of("sk-ant-test"),
        java.util.Map.of(), java.util.Map.of()).withRouting(List.of(), OptionalLong.empty(), Optional.of(Strategy.PRIORITY))
        .asDeployment("anthropic", 1, 1, Optional.empty()));
    b.model(deployment("mmixed", "openai", secondary, 2));
    b.model(single("m429", primary, List.of(), OptionalLong.empty()));
    b.model(single("mfallback", primary, List.of("mbackup"), OptionalLong.empty()));
    b.model(single("mbackup", secondary, List.of(), OptionalLong.empty()));
    b.model(single("mcontext", primary, List.of("mbig"), OptionalLong.of(30)));
    b.model(single("mbig", secondary, List.of(), OptionalLong.empty()));
    b.model(single("mpolicy", primary, List.of("mbackup"), OptionalLong.empty()));
    gateway = b.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    primary.close();
    secondary.close();
  }

  @BeforeEach
  void reset() {
    primary.clearRequests();
    secondary.clearRequests();
    secondary.replyWith(FakeUpstream.json(200, FakeUpstream.chatCompletion("served-by-b", "from b", 9, 4)));
  }

  private static String chat(String model) {
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  }

  private static String streamChat(String model) {
    return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  }

  private static List<UsageRecord> rows(String requestId, int expected) {
    List<UsageRecord> rows = List.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      rows = gateway.usageRows(requestId);
      if (rows.size() >= expected) {
        break;
      }
    }
    return rows.stream().sorted(Comparator.comparingInt(UsageRecord::attempt)).toList();
  }

  private static String header(HttpResponse<String> resp, String name) {
    return resp.headers().firstValue(name).orElse("<absent>");
  }

  private static JsonNode json(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  @Test
  void upstream500_isRetriedOnTheNextDeployment_andEveryAttemptIsALedgerRow() {
    primary.replyWith(FakeUpstream.json(500, FakeUpstream.error("boom", "server_error", "server_error")));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("m500"), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(json(resp.body()).at("/choices/0/message/content").asText()).isEqualTo("from b");
    assertThat(header(resp, "x-tollgate-deployment")).isEqualTo("m500/b");
    assertThat(header(resp, "x-tollgate-attempts")).isEqualTo("2");
    assertThat(header(resp, "x-tollgate-fallback")).isEqualTo("<absent>");
    List<UsageRecord> rows = rows(id, 2);
    assertThat(rows).extracting(UsageRecord::attempt).containsExactly(1, 2);
    assertThat(rows.get(0).status()).isEqualTo(502);
    assertThat(rows.get(0).errorClass()).hasValue("upstream_error");
    assertThat(rows.get(0).deployment()).hasValue("m500/a");
    assertThat(rows.get(1).status()).isEqualTo(200);
    assertThat(rows.get(1).deployment()).hasValue("m500/b");
    assertThat(rows.get(1).usage().inputTokens()).isEqualTo(9);
    assertThat(primary.receivedCount()).isEqualTo(1);
  }

  @Test
  void upstream429WithRetryAfter_isHonouredBeforeRetryingTheOnlyDeployment() {
    List<Long> arrivals = new CopyOnWriteArrayList<>();
    FakeUpstream.Reply limited = (req, vertx) -> req.response().setStatusCode(429).putHeader("retry-after", "1")
        .putHeader("content-type", "application/json").end(FakeUpstream.error("slow down", "rate_limit_error", "rate_limit"));
    FakeUpstream.Reply ok = FakeUpstream.json(200, FakeUpstream.chatCompletion("up-m429", "after the wait", 5, 2));
    FakeUpstream.Reply sequence = FakeUpstream.sequence(limited, ok);
    primary.replyWith((req, vertx) -> {
      arrivals.add(System.nanoTime());
      sequence.send(req, vertx);
    });
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("m429"), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(header(resp, "x-tollgate-attempts")).isEqualTo("2");
    assertThat(arrivals).hasSize(2);
    assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    List<UsageRecord> rows = rows(id, 2);
    assertThat(rows).extracting(UsageRecord::status).containsExactly(429, 200);
  }

  @Test
  void upstream429_whenRetriesAreSpent_reachesTheCallerAsA429WithRetryAfter() {
    primary.replyWith((req, vertx) -> req.response().setStatusCode(429).putHeader("retry-after", "1")
        .putHeader("content-type", "application/json").end(FakeUpstream.error("slow down", "rate_limit_error", "rate_limit")));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("m429"), id);

    assertThat(resp.statusCode()).isEqualTo(429);
    assertThat(header(resp, "retry-after")).isEqualTo("1");
    assertThat(header(resp, "x-tollgate-attempts")).isEqualTo("2");
    assertThat(rows(id, 2)).extracting(UsageRecord::status).containsExactly(429, 429);
  }

  @Test
  void hangBeforeHeaders_hitsTheTotalTimeout_andTheNextDeploymentServes() {
    primary.replyWith((req, vertx) -> {}); // never answers
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("mhang"), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(header(resp, "x-tollgate-deployment")).isEqualTo("mhang/b");
    List<UsageRecord> rows = rows(id, 2);
    assertThat(rows.get(0).status()).isEqualTo(504);
    assertThat(rows.get(0).errorClass()).hasValue("upstream_timeout");
    assertThat(rows.get(1).status()).isEqualTo(200);
  }

  @Test
  void slowFirstToken_timesOutBeforeAnyByteWentOut_andTheStreamComesFromTheNextDeployment() {
    primary.replyWith((req, vertx) -> {
      var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      resp.write(": waiting\n\n"); // headers and a comment, but no token
      vertx.setTimer(5000, t -> {
        if (!resp.closed()) {
          resp.end("data: " + FakeUpstream.chunk("late", "too late") + "\n\ndata: [DONE]\n\n");
        }
      });
    });
    secondary.replyWith(FakeUpstream.sse(List.of(FakeUpstream.chunk("up-b", "Hello"), FakeUpstream.finishChunk("up-b"),
        FakeUpstream.usageChunk("up-b", 7, 1))));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), streamChat("mslow"), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.body()).contains("Hello").doesNotContain("too late").contains("data: [DONE]");
    assertThat(header(resp, "x-tollgate-deployment")).isEqualTo("mslow/b");
    List<UsageRecord> rows = rows(id, 2);
    assertThat(rows.get(0).status()).isEqualTo(504);
    assertThat(rows.get(0).stream()).isTrue();
    assertThat(rows.get(1).status()).isEqualTo(200);
    assertThat(rows.get(1).usage().inputTokens()).isEqualTo(7);
  }

  @Test
  void connectionReset_isRetriedOnTheNextDeployment() {
    primary.replyWith((req, vertx) -> req.connection().close());
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("mreset"), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(header(resp, "x-tollgate-deployment")).isEqualTo("mreset/b");
    assertThat(rows(id, 2)).extracting(UsageRecord::status).containsExactly(502, 200);
  }

  @Test
  void brokenMidStream_isNeverRetriedOnceTheFirstByteWentOut() {
    primary.replyWith(FakeUpstream.sseThenBreak(List.of(FakeUpstream.chunk("up-a", "Hel"), FakeUpstream.chunk("up-a", "lo"))));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), streamChat("mbroken"), id);

    assertThat(resp.statusCode()).isEqualTo(200); // the head was sent with the first chunk
    assertThat(resp.body()).contains("Hel").contains("\"error\"").doesNotContain("from b");
    assertThat(header(resp, "x-tollgate-attempts")).isEqualTo("1");
    gateway.ledgerBarrier();
    List<UsageRecord> rows = rows(id, 1);
    assertThat(rows).hasSize(1);
    assertThat(rows.getFirst().status()).isEqualTo(502);
    assertThat(secondary.receivedCount()).isZero();
  }

  @Test
  void aStreamThatStallsAfterItsFirstChunk_isCutByTheIdleTimeout_andNotRetried() {
    primary.replyWith((req, vertx) -> {
      var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
      resp.write("data: " + FakeUpstream.chunk("up-a", "Hel") + "\n\n");
      vertx.setTimer(8000, t -> {
        if (!resp.closed()) {
          resp.end("data: [DONE]\n\n");
        }
      });
    });
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), streamChat("midle"), id);

    assertThat(resp.body()).contains("Hel").contains("upstream_timeout").contains("idle between chunks");
    gateway.ledgerBarrier();
    List<UsageRecord> rows = rows(id, 1);
    assertThat(rows).hasSize(1);
    assertThat(rows.getFirst().status()).isEqualTo(504);
    assertThat(secondary.receivedCount()).isZero();
  }

  /** Chunks 400 ms apart for 1.2 s, under an 800 ms idle timeout: longer than one idle period, never idle for one. */
  @Test
  void aStreamThatKeepsSendingForLongerThanTheIdleTimeout_isNotCut() {
    primary.replyWith(FakeUpstream.slowSse(List.of(FakeUpstream.chunk("up-a", "Hel"), FakeUpstream.chunk("up-a", "lo"),
        FakeUpstream.chunk("up-a", " there")), Duration.ofMillis(400)));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), streamChat("midle"), id);

    assertThat(resp.body()).contains("Hel").contains("lo").contains(" there").contains("[DONE]").doesNotContain("upstream_timeout");
    gateway.ledgerBarrier();
    assertThat(rows(id, 1).getFirst().status()).isEqualTo(200);
  }

  @Test
  void messagesSurface_nativeAnthropicDeploymentOverloaded_theTranslatedDeploymentStreamsInAnthropicsFormat() {
    primary.replyWith(FakeUpstream.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
    secondary.replyWith(FakeUpstream.sse(List.of(FakeUpstream.chunk("up-b", "Hello"), FakeUpstream.finishChunk("up-b"),
        FakeUpstream.usageChunk("up-b", 7, 1))));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/messages", gateway.masterKey(),
        "{\"model\":\"mmixed\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.body()).contains("event: message_start").contains("Hello").contains("event: message_stop");
    assertThat(header(resp, "x-tollgate-deployment")).isEqualTo("mmixed/openai");
    assertThat(primary.takeRequest().path()).endsWith("/messages");
    List<UsageRecord> rows = rows(id, 2);
    assertThat(rows).extracting(UsageRecord::provider).containsExactly("anthropic", "openai-compatible");
    assertThat(rows).extracting(UsageRecord::status).containsExactly(502, 200);
  }

  @Test
  void invalidJsonFromTheUpstream_isRetriedOnTheNextDeployment() {
    primary.replyWith(FakeUpstream.json(200, "{\"id\": \"chatcmpl-x\", \"choices\": [ oops"));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("mjson"), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(header(resp, "x-tollgate-deployment")).isEqualTo("mjson/b");
    assertThat(rows(id, 2)).extracting(UsageRecord::status).containsExactly(502, 200);
  }

  @Test
  void breaker_opensAfterTheThreshold_thenRequestsRouteAroundTheDeployment() {
    primary.replyWith(FakeUpstream.json(500, FakeUpstream.error("down", "server_error", "server_error")));
    for (int i = 0; i < 3; i++) {
      assertThat(gateway.post("/v1/chat/completions", gateway.masterKey(), chat("mbreaker")).statusCode()).isEqualTo(200);
    }
    assertThat(primary.receivedCount()).isEqualTo(3);
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("mbreaker"), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(header(resp, "x-tollgate-attempts")).isEqualTo("1");
    assertThat(header(resp, "x-tollgate-deployment")).isEqualTo("mbreaker/b");
    assertThat(primary.receivedCount()).as("the open breaker keeps traffic away").isEqualTo(3);
    JsonNode health = json(gateway.get("/api/v1/providers/health", gateway.masterKey()).body());
    JsonNode a = null;
    for (JsonNode d : health.path("deployments")) {
      if (d.path("deployment").asText().equals("mbreaker/a")) {
        a = d;
      }
    }
    assertThat(a).isNotNull();
    assertThat(a.path("breaker").asText()).isEqualTo("open");
    assertThat(a.path("recent_errors").asInt()).isEqualTo(3);
    assertThat(a.path("recent_error_rate").asDouble()).isEqualTo(1.0);

    String metrics = gateway.send(gateway.request("/metrics").GET().build()).body();
    assertThat(metrics).contains("tollgate_breaker_state{deployment=\"mbreaker/a\"} 1.0");
    assertThat(metrics).contains("tollgate_breaker_state{deployment=\"mbreaker/b\"} 0.0");
    assertThat(metrics).containsPattern("tollgate_retries_total [1-9]");
  }

  @Test
  void messagesSurface_isRetriedTheSameWay_andAnswersInAnthropicsFormat() {
    primary.replyWith(FakeUpstream.json(500, FakeUpstream.error("boom", "server_error", "server_error")));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/messages", gateway.masterKey(),
        "{\"model\":\"m500\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", id);

    assertThat(resp.statusCode()).isEqualTo(200);
    JsonNode msg = json(resp.body());
    assertThat(msg.path("type").asText()).isEqualTo("message");
    assertThat(msg.at("/content/0/text").asText()).isEqualTo("from b");
    assertThat(header(resp, "x-tollgate-deployment")).isEqualTo("m500/b");
    assertThat(rows(id, 2)).extracting(UsageRecord::endpoint).containsExactly("messages", "messages");
  }

  @Test
  void everyDeploymentFailing_fallsBackToTheNextModel_flaggedAndNamedInTheHeader() {
    primary.replyWith(FakeUpstream.json(503, FakeUpstream.error("overloaded", "server_error", "overloaded")));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("mfallback"), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(header(resp, "x-tollgate-fallback")).isEqualTo("mbackup");
    assertThat(header(resp, "x-tollgate-attempts")).isEqualTo("3");
    List<UsageRecord> rows = rows(id, 3);
    assertThat(rows).extracting(UsageRecord::status).containsExactly(502, 502, 200);
    assertThat(rows.get(2).flags()).contains(UsageFlag.FALLBACK_USED);
    assertThat(rows.get(2).modelRequested()).isEqualTo("mfallback");
    assertThat(rows.get(0).flags()).doesNotContain(UsageFlag.FALLBACK_USED);
  }

  @Test
  void promptLongerThanTheContextWindow_goesStraightToAFallbackThatFits() {
    primary.replyWith(FakeUpstream.json(500, FakeUpstream.error("must not be called", "server_error", "x")));
    String longPrompt = "word ".repeat(200);
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(),
        "{\"model\":\"mcontext\",\"messages\":[{\"role\":\"user\",\"content\":\"" + longPrompt + "\"}]}", id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(header(resp, "x-tollgate-fallback")).isEqualTo("mbig");
    assertThat(primary.receivedCount()).isZero();
    assertThat(rows(id, 1).getFirst().flags()).contains(UsageFlag.FALLBACK_USED);

    primary.replyWith(FakeUpstream.json(200, FakeUpstream.chatCompletion("up-mcontext", "from the first model", 3, 1)));
    HttpResponse<String> shortOne = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("mcontext"));
    assertThat(shortOne.statusCode()).isEqualTo(200);
    assertThat(header(shortOne, "x-tollgate-fallback")).as("a short prompt still goes to the first model").isEqualTo("<absent>");
    assertThat(primary.receivedCount()).isEqualTo(1);
  }

  @Test
  void contentPolicyRefusal_fallsBackToAnotherModel() {
    primary.replyWith(FakeUpstream.json(400, FakeUpstream.error("Your request was rejected as a result of our safety system.",
        "invalid_request_error", "content_policy_violation")));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("mpolicy"), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(header(resp, "x-tollgate-fallback")).isEqualTo("mbackup");
    assertThat(primary.receivedCount()).as("a refusal is not retried on the same model").isEqualTo(1);
    assertThat(rows(id, 2)).extracting(UsageRecord::status).containsExactly(400, 200);
  }

  @Test
  void aRejectedRequest_isNotRetried() {
    primary.replyWith(FakeUpstream.json(400, FakeUpstream.error("temperature too high", "invalid_request_error", "bad")));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("m429"), id);

    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(primary.receivedCount()).isEqualTo(1);
    assertThat(header(resp, "x-tollgate-attempts")).isEqualTo("1");
  }
}
