package dev.tollgate.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void delaySeconds_andHttpDate_areRead() {
    assertThat(RetryAfter.parse("30", clock)).hasValue(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Sun, 22 Nov 2026 12:01:30 GMT", clock)).hasValue(Duration.ofSeconds(90));
  }

  @Test
  void pastDates_areZero_hugeValuesAreCapped_garbageIsIgnored() {
    assertThat(RetryAfter.parse("Sun, 22 Nov 2026 11:00:00 GMT", clock)).hasValue(Duration.ZERO);
    assertThat(RetryAfter.parse("999999", clock)).hasValue(Duration.ofHours(1));
    assertThat(RetryAfter.parse("-5", clock)).isEmpty();
    assertThat(RetryAfter.parse("soon", clock)).isEmpty();
    assertThat(RetryAfter.parse(null, clock)).isEmpty();
  }
}
