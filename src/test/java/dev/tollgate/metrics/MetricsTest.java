package dev.tollgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.common.EventBus;
import dev.tollgate.pricing.UnpricedUsage;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageRecord;
import dev.tollgate.usage.UsageRecorded;
import dev.tollgate.usage.UsageWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final UsageWriter.Stats LEDGER = new UsageWriter.Stats(3, 4096, 1, 7, true, true, 10, 0, 2, 0, 1);

  private final EventBus events = new EventBus();
  private final Metrics metrics = new Metrics(events, () -> LEDGER, 3);

  private static UsageRecord row(String provider, String model, int status, TokenUsage usage, long nanos, boolean stream,
                                 long latencyMillis) {
    return new UsageRecord("r", 0, T0, stream ? Optional.of(T0.plusMillis(80)) : Optional.empty(),
        T0.plusMillis(latencyMillis), "key_1", Optional.of("user-1"), List.of(), provider, model, model, "chat", stream,
        usage, nanos, status, Optional.empty(), Set.of());
  }

  private Scrape scrape() {
    return Scrape.parse(new String(metrics.scrape("").body(), StandardCharsets.UTF_8));
  }

  @Test
  void cost_manySmallAmounts_isTheExactNanoSumInUsd() {
    for (int i = 0; i < 100_000; i++) {
      events.publish(new UsageRecorded(row("mock", "m", 200, TokenUsage.of(1, 1), 1, false, 10)));
    }
    events.publish(new UsageRecorded(row("mock", "m", 200, TokenUsage.of(1, 1), 123_456_789L, false, 10)));
    assertThat(scrape().sum("tollgate_cost_usd_total")).isEqualTo((100_000L + 123_456_789L) / 1e9);
  }

  @Test
  void tokens_everyClass_isItsOwnTypeLabel() {
    events.publish(new UsageRecorded(row("anthropic", "claude", 200, new TokenUsage(1, 2, 3, 4, 5, 6, 70, 8, 9), 0, false, 10)));
    Scrape s = scrape();
    assertThat(s.sum("tollgate_tokens_total", "type", "input")).isEqualTo(1);
    assertThat(s.sum("tollgate_tokens_total", "type", "cache_read")).isEqualTo(2);
    assertThat(s.sum("tollgate_tokens_total", "type", "cache_write_5m")).isEqualTo(3);
    assertThat(s.sum("tollgate_tokens_total", "type", "cache_write_1h")).isEqualTo(4);
    assertThat(s.sum("tollgate_tokens_total", "type", "audio_input")).isEqualTo(5);
    assertThat(s.sum("tollgate_tokens_total", "type", "image_input")).isEqualTo(6);
    assertThat(s.sum("tollgate_tokens_total", "type", "output")).isEqualTo(70);
    assertThat(s.sum("tollgate_tokens_total", "type", "reasoning")).isEqualTo(8);
    assertThat(s.sum("tollgate_tokens_total", "type", "audio_output")).isEqualTo(9);
    assertThat(s.matching("tollgate_tokens_total").getFirst().labels())
        .containsOnlyKeys("provider", "model", "type").containsEntry("provider", "anthropic").containsEntry("model", "claude");
  }

  @Test
  void requests_statusLabel_isAClassWith429And499KeptApart() {
    for (int status : new int[] {200, 201, 400, 404, 429, 499, 500, 502}) {
      events.publish(new UsageRecorded(row("mock", "m", status, TokenUsage.ZERO, 0, false, 10)));
    }
    Scrape s = scrape();
    assertThat(s.values("tollgate_requests_total", "status")).containsExactly("2xx", "429", "499", "4xx", "5xx");
    assertThat(s.sum("tollgate_requests_total", "status", "2xx")).isEqualTo(2);
    assertThat(s.sum("tollgate_requests_total", "status", "4xx")).isEqualTo(2);
    assertThat(s.sum("tollgate_requests_total", "status", "499")).isEqualTo(1);
  }

  @Test
  void labels_manyModels_areCappedAndNeverCarryKeysOrUsers() {
    for (int i = 0; i < 20; i++) {
      events.publish(new UsageRecorded(row("mock", "model-" + i, 200, TokenUsage.of(1, 1), 5, true, 10)));
      events.publish(new UnpricedUsage("r" + i, "key_1", "mock", "model-" + i, T0, "no price"));
    }
    Scrape s = scrape();
    for (String metric : List.of("tollgate_requests_total", "tollgate_tokens_total", "tollgate_cost_usd_total",
        "tollgate_request_duration_seconds_count", "tollgate_time_to_first_token_seconds_count")) {
      assertThat(s.values(metric, "model")).as(metric).containsExactly("model-0", "model-1", "model-2", "other");
      assertThat(s.matching(metric)).as(metric)
          .allSatisfy(sample -> assertThat(sample.labels()).doesNotContainKeys("key", "key_id", "user", "request_id"));
    }
    assertThat(s.sum("tollgate_requests_total", "model", "other")).isEqualTo(17);
    assertThat(s.matching("tollgate_unpriced_requests_total")).singleElement()
        .satisfies(u -> assertThat(u.labels()).containsExactly(java.util.Map.entry("provider", "mock")))
        .satisfies(u -> assertThat(u.value()).isEqualTo(20));
  }

  @Test
  void requests_neverRouted_areLabelledNone() {
    events.publish(new UsageRecorded(row("", "made-up-model", 404, TokenUsage.ZERO, 0, false, 10)));
    assertThat(scrape().matching("tollgate_requests_total").getFirst().labels())
        .containsEntry("provider", "none").containsEntry("model", "none").containsEntry("status", "4xx");
  }

  @Test
  void histograms_latencyAndTtft_countInSecondsBuckets() {
    events.publish(new UsageRecorded(row("mock", "m", 200, TokenUsage.of(1, 1), 0, true, 300)));
    events.publish(new UsageRecorded(row("mock", "m", 200, TokenUsage.of(1, 1), 0, false, 3_000)));
    Scrape s = scrape();
    assertThat(s.sum("tollgate_request_duration_seconds_count")).isEqualTo(2);
    assertThat(s.sum("tollgate_request_duration_seconds_sum")).isEqualTo(3.3, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.sum("tollgate_request_duration_seconds_bucket", "le", "0.5")).isEqualTo(1);
    assertThat(s.sum("tollgate_request_duration_seconds_bucket", "le", "5.0")).isEqualTo(2);
    assertThat(s.sum("tollgate_time_to_first_token_seconds_count")).as("only streams have a TTFT").isEqualTo(1);
    assertThat(s.sum("tollgate_time_to_first_token_seconds_bucket", "le", "0.1")).isEqualTo(1);
    assertThat(s.sum("tollgate_time_to_first_token_seconds_bucket", "le", "0.05")).isZero();
  }

  @Test
  void ledgerGauges_readTheWriterStats() {
    Scrape s = scrape();
    assertThat(s.sum("tollgate_ledger_queue_depth")).isEqualTo(3);
    assertThat(s.sum("tollgate_journal_bytes")).isEqualTo(4096);
    assertThat(s.sum("tollgate_ledger_backlog")).isEqualTo(7);
    assertThat(s.sum("tollgate_ledger_dropped_total")).isEqualTo(2);
    assertThat(s.sum("tollgate_ledger_dead_lettered_total")).isEqualTo(1);
  }

  @Test
  void scrape_acceptOpenMetrics_answersOpenMetrics() {
    Metrics.Exposition e = metrics.scrape("application/openmetrics-text; version=1.0.0,text/plain;q=0.5");
    assertThat(e.contentType()).startsWith("application/openmetrics-text");
    assertThat(new String(e.body(), StandardCharsets.UTF_8)).endsWith("# EOF\n");
    assertThat(metrics.scrape("*/*").contentType()).startsWith("text/plain; version=0.0.4");
  }
}
