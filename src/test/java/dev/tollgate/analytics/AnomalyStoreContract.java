package dev.tollgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link AnomalyStore} backend must do. A backend's test extends this with an empty store per test. */
public abstract class AnomalyStoreContract {
  private static final Instant H = Instant.parse("2026-11-10T10:00:00Z");

  protected abstract AnomalyStore store();

  private static SpendAnomaly spike(String dimension, String value, Optional<String> org, Instant window, long observed, String score) {
    return new SpendAnomaly(dimension, value, org, org.map(o -> "proj_" + o), window, Duration.ofHours(1), observed, 1_000, new BigDecimal(score));
  }

  @Test
  void addIfAbsent_keepsOneRowPerDimensionValueAndWindow_withItsExactScore() {
    SpendAnomaly first = spike("key", "key_1", Optional.of("org_1"), H, 9_000_000_001L, "12.3456789012345678");

    assertThat(store().addIfAbsent(first, H.plusSeconds(60))).isTrue();
    assertThat(store().addIfAbsent(spike("key", "key_1", Optional.of("org_1"), H, 1, "1"), H.plusSeconds(120))).isFalse();
    assertThat(store().addIfAbsent(spike("key", "key_1", Optional.of("org_1"), H.plusSeconds(3600), 5, "4"), H.plusSeconds(3660))).isTrue();

    assertThat(store().list(H, H.plusSeconds(7200), Optional.empty(), Optional.empty(), 10)).containsExactly(
        new AnomalyStore.Detected(spike("key", "key_1", Optional.of("org_1"), H.plusSeconds(3600), 5, "4"), H.plusSeconds(3660)),
        new AnomalyStore.Detected(first, H.plusSeconds(60)));
  }

  @Test
  void list_narrowsToTheWindowRangeAndOwner_andIsLimited() {
    store().addIfAbsent(spike("model", "m1", Optional.empty(), H, 10, "5"), H);
    store().addIfAbsent(spike("project", "proj_org_1", Optional.of("org_1"), H.plusSeconds(3600), 20, "6"), H);
    store().addIfAbsent(spike("key", "key_2", Optional.of("org_2"), H.plusSeconds(7200), 30, "7"), H);

    assertThat(store().list(H, H.plusSeconds(7200), Optional.empty(), Optional.empty(), 10))
        .extracting(d -> d.anomaly().value()).as("windows starting in [from, to)").containsExactly("proj_org_1", "m1");
    assertThat(store().list(H, H.plusSeconds(10_800), Optional.of("org_2"), Optional.empty(), 10))
        .extracting(d -> d.anomaly().value()).containsExactly("key_2");
    assertThat(store().list(H, H.plusSeconds(10_800), Optional.of("org_1"), Optional.of("proj_org_1"), 10))
        .extracting(d -> d.anomaly().value()).containsExactly("proj_org_1");
    assertThat(store().list(H, H.plusSeconds(10_800), Optional.empty(), Optional.empty(), 1))
        .extracting(d -> d.anomaly().value()).containsExactly("key_2");
  }
}
