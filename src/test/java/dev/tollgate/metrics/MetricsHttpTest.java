package dev.tollgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ModelConfig;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageQuery;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on a real gateway: the counters equal the ledger rows the same requests produced. */
class MetricsHttpTest {
  @TempDir
  Path dir;

  private TestGateway gateway;
  private String key;

  @BeforeEach
  void start() {
    gateway = TestGateway.builder(dir)
        .model(new ModelConfig("mock/*", "mock", "mock-small", Optional.empty(), Optional.empty()))
        .start();
    key = gateway.createKey().secret();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private HttpResponse<String> chat(String model, boolean stream) {
    String extra = stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "";
    return gateway.post("/v1/chat/completions", key,
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello metrics\"}]" + extra + "}");
  }

  private Scrape scrape() {
    HttpResponse<String> r = gateway.send(gateway.request("/metrics").GET().build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return Scrape.parse(r.body());
  }

  /** The ledger's rows and a scrape that has seen all of them (the event follows the row by a hair). */
  private record Snapshot(List<UsageRecord> rows, Scrape scrape) {}

  private Snapshot settled() {
    List<UsageRecord> rows = gateway.latestUsage(UsageQuery.MAX_LIMIT);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Scrape s = scrape();
      if (s.sum("tollgate_requests_total") == rows.size() || System.nanoTime() > deadline) {
        return new Snapshot(rows, s);
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void scrape_afterChats_countsEqualTheLedger() {
    for (int i = 0; i < 5; i++) {
      assertThat(chat("mock-small", false).statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(chat("mock-small", true).statusCode()).isEqualTo(200);
    }
    assertThat(chat("no-such-model", false).statusCode()).isEqualTo(404);

    Snapshot snap = settled();
    List<UsageRecord> rows = snap.rows();
    Scrape s = snap.scrape();
    assertThat(rows).hasSize(9);

    assertThat(s.sum("tollgate_requests_total")).isEqualTo(9);
    assertThat(s.sum("tollgate_requests_total", "status", "2xx", "endpoint", "chat", "provider", "mock", "model", "mock-small"))
        .isEqualTo(8);
    assertThat(s.sum("tollgate_requests_total", "status", "4xx", "provider", "none", "model", "none")).isEqualTo(1);

    assertTokens(s, rows, "input", TokenUsage::inputTokens);
    assertTokens(s, rows, "cache_read", TokenUsage::cacheReadTokens);
    assertTokens(s, rows, "output", TokenUsage::outputTokens);
    assertTokens(s, rows, "reasoning", TokenUsage::reasoningTokens);
    assertThat(s.sum("tollgate_tokens_total", "type", "output")).isPositive();

    long nanos = rows.stream().mapToLong(UsageRecord::costNanos).sum();
    assertThat(nanos).as("mock-small is priced").isPositive();
    assertThat(s.matching("tollgate_cost_usd_total")).singleElement()
        .satisfies(c -> assertThat(c.value()).isEqualTo(nanos / 1e9));

    assertThat(s.sum("tollgate_request_duration_seconds_count", "endpoint", "chat", "model", "mock-small")).isEqualTo(8);
    assertThat(s.sum("tollgate_request_duration_seconds_bucket", "model", "mock-small", "le", "+Inf")).isEqualTo(8);
    assertThat(s.sum("tollgate_time_to_first_token_seconds_count", "model", "mock-small")).isEqualTo(3);

    assertThat(s.sum("tollgate_ledger_dropped_total")).isZero();
    assertThat(s.matching("tollgate_ledger_queue_depth")).hasSize(1);
    assertThat(s.matching("tollgate_journal_bytes")).hasSize(1);
    assertThat(s.matching("tollgate_ledger_backlog")).hasSize(1);
  }

  private static void assertTokens(Scrape s, List<UsageRecord> rows, String type, ToLongFunction<TokenUsage> count) {
    long expected = rows.stream().mapToLong(r -> count.applyAsLong(r.usage())).sum();
    assertThat(s.sum("tollgate_tokens_total", "type", type)).as(type).isEqualTo(expected);
  }

  @Test
  void scrape_floodOfDistinctModels_keepsTheModelLabelBounded() {
    for (int i = 0; i < 150; i++) {
      assertThat(chat("mock/flood-" + i, false).statusCode()).isEqualTo(200);
      assertThat(chat("unknown-" + i, false).statusCode()).isEqualTo(404);
    }
    Scrape s = settled().scrape();
    assertThat(s.sum("tollgate_requests_total")).isEqualTo(300);
    assertThat(s.values("tollgate_requests_total", "model")).hasSize(Metrics.MAX_MODELS + 2).contains("other", "none");
    assertThat(s.sum("tollgate_requests_total", "model", "other")).isEqualTo(50);
    assertThat(s.sum("tollgate_requests_total", "model", "none")).isEqualTo(150);
    assertThat(s.values("tollgate_request_duration_seconds_count", "model")).hasSize(Metrics.MAX_MODELS + 2);
    assertThat(s.sum("tollgate_unpriced_requests_total", "provider", "mock")).as("mock/* names have no price").isEqualTo(150);
  }

  @Test
  void scrape_withoutAuthorization_isServedAndAnswersOpenMetricsOnRequest() {
    HttpResponse<String> r = gateway.send(gateway.request("/metrics")
        .header("Accept", "application/openmetrics-text;version=1.0.0").GET().build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("application/openmetrics-text"));
    assertThat(r.body()).contains("tollgate_ledger_queue_depth").endsWith("# EOF\n");
  }
}
