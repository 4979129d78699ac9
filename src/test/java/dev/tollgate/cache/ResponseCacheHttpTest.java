package dev.tollgate.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ModelConfig;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The response cache through the gateway: hits, misses, opt-outs, stream replay, per-key enablement, the ledger. */
class ResponseCacheHttpTest {
  @TempDir
  static Path dir;
  static FakeUpstream upstream;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    upstream = FakeUpstream.start();
    gateway = TestGateway.builder(dir)
        .cache(CacheConfig.enabledFor(Duration.ofHours(1)))
        .model(ModelConfig.openAiCompatible("gpt-cached", "gpt-4o-mini", upstream.baseUrl(), Optional.empty()))
        .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.close();
  }

  @BeforeEach
  void reset() {
    upstream.clearRequests();
    upstream.replyWith(FakeUpstream.json(200, FakeUpstream.chatCompletion("gpt-4o-mini-2024-07-18", "cached answer", 1000, 500)));
  }

  private static String chat(String content, boolean stream) {
    return "{\"model\":\"gpt-cached\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
  }

  private static String header(HttpResponse<String> r, String name) {
    return r.headers().firstValue(name).orElse("<absent>");
  }

  @Test
  void theSameRequestTwice_isAnsweredFromTheCache_atNoCost_withTheSavingsRecorded() {
    String first = RequestIds.next();
    HttpResponse<String> miss = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("same question", false), first);
    String second = RequestIds.next();
    HttpResponse<String> hit = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("same question", false), second);

    assertThat(header(miss, "x-tollgate-cache")).isEqualTo("miss");
    assertThat(header(hit, "x-tollgate-cache")).isEqualTo("hit");
    assertThat(hit.body()).isEqualTo(miss.body());
    assertThat(header(hit, "x-tollgate-cost-usd")).isEqualTo("0.000000000");
    assertThat(upstream.receivedCount()).isEqualTo(1);
    UsageRecord paid = gateway.awaitUsage(first);
    UsageRecord free = gateway.awaitUsage(second);
    assertThat(paid.costNanos()).isPositive();
    assertThat(free.flags()).contains(UsageFlag.CACHE_HIT);
    assertThat(free.costNanos()).isZero();
    assertThat(free.savedNanos()).isEqualTo(paid.costNanos());
    assertThat(free.status()).isEqualTo(200);
    assertThat(free.modelServed()).isEqualTo(paid.modelServed());
  }

  @Test
  void optOutPerRequest_withCacheControlOrTheTollgateHeader() {
    gateway.post("/v1/chat/completions", gateway.masterKey(), chat("opt out", false));
    for (String[] h : List.of(new String[] {"Cache-Control", "no-cache"}, new String[] {"x-tollgate-cache", "off"})) {
      HttpResponse<String> resp = gateway.send(gateway.request("/v1/chat/completions")
          .header("Authorization", "Bearer " + gateway.masterKey()).header("Content-Type", "application/json")
          .header(h[0], h[1]).POST(HttpRequest.BodyPublishers.ofString(chat("opt out", false))).build());
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(header(resp, "x-tollgate-cache")).isEqualTo("off");
    }
    assertThat(upstream.receivedCount()).isEqualTo(3);
  }

  @Test
  void aStreamedAnswer_isReplayedAsTheSameStream() {
    upstream.replyWith(FakeUpstream.sse(List.of(FakeUpstream.chunk("gpt-4o-mini", "Hel"), FakeUpstream.chunk("gpt-4o-mini", "lo"),
        FakeUpstream.finishChunk("gpt-4o-mini"), FakeUpstream.usageChunk("gpt-4o-mini", 20, 2))));
    HttpResponse<String> miss = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("stream me", true));
    String id = RequestIds.next();
    HttpResponse<String> hit = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("stream me", true), id);

    assertThat(header(hit, "x-tollgate-cache")).isEqualTo("hit");
    assertThat(hit.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
    assertThat(dataEvents(hit.body())).isEqualTo(dataEvents(miss.body()));
    assertThat(dataEvents(hit.body())).last().isEqualTo("data: [DONE]");
    assertThat(upstream.receivedCount()).isEqualTo(1);
    UsageRecord row = gateway.awaitUsage(id);
    assertThat(row.stream()).isTrue();
    assertThat(row.flags()).contains(UsageFlag.CACHE_HIT);
    assertThat(row.savedNanos()).isPositive();
  }

  @Test
  void aNonStreamedAnswer_isReplayedAsAStream_thatTheOpenAiSdkReads() {
    gateway.post("/v1/chat/completions", gateway.masterKey(), chat("then stream it", false));
    var params = com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model("gpt-cached")
        .addUserMessage("then stream it")
        .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build();
    List<com.openai.models.chat.completions.ChatCompletionChunk> chunks;
    try (var stream = gateway.openAi(gateway.masterKey()).chat().completions().createStreaming(params)) {
      chunks = stream.stream().toList();
    }
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    assertThat(text.toString()).isEqualTo("cached answer");
    assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(1000));
    assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()).map(Object::toString))
        .containsExactly("stop");
    assertThat(upstream.receivedCount()).as("answered from the cache").isEqualTo(1);
  }

  @Test
  void hitsAndMisses_areCounted() {
    gateway.post("/v1/chat/completions", gateway.masterKey(), chat("counted", false));
    gateway.post("/v1/chat/completions", gateway.masterKey(), chat("counted", false));
    String metrics = gateway.send(gateway.request("/metrics").GET().build()).body();
    assertThat(metrics).containsPattern("tollgate_cache_hits_total [1-9]");
    assertThat(metrics).containsPattern("tollgate_cache_misses_total [1-9]");
  }

  @Test
  void aFailedAnswer_isNotCached() {
    upstream.replyWith(FakeUpstream.json(500, FakeUpstream.error("down", "server_error", "x")));
    assertThat(gateway.post("/v1/chat/completions", gateway.masterKey(), chat("failing", false)).statusCode()).isEqualTo(502);
    upstream.replyWith(FakeUpstream.json(200, FakeUpstream.chatCompletion("gpt-4o-mini", "now fine", 10, 5)));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("failing", false));
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(header(resp, "x-tollgate-cache")).isEqualTo("miss");
  }

  private static List<String> dataEvents(String sse) {
    return sse.lines().filter(l -> l.startsWith("data: ")).toList();
  }
}
