package dev.tollgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link AnomalyStore} backend must do the same way; a backend's test provides an empty store. */
public abstract class AnomalyStoreContract {
  private static final Instant H = Instant.parse("2026-11-10T10:00:00Z");
  private static final Instant DETECTED = Instant.parse("2026-11-10T10:05:00.123456Z");

  protected abstract AnomalyStore store();

  private static SpendAnomaly spike(String dim, String value, Optional<String> org, Optional<String> project, Instant window) {
    return new SpendAnomaly(dim, value, org, project, window, Duration.ofHours(1), 12_345_678_901L, 1_000_000_000L,
        new BigDecimal("7.2500"));
  }

  @Test
  void addIfAbsent_storesOnePerDimensionValueAndWindow_exactly() {
    SpendAnomaly a = spike("key", "k1", Optional.of("org_a"), Optional.of("proj_a"), H);
    assertThat(store().addIfAbsent(a, DETECTED)).isTrue();
    assertThat(store().addIfAbsent(a, DETECTED.plusSeconds(300))).as("the same spike again").isFalse();
    assertThat(store().list(H.minusSeconds(1), H.plusSeconds(1), Optional.empty(), Optional.empty(), 10))
        .containsExactly(new AnomalyStore.Detected(a, DETECTED));
  }

  @Test
  void list_newestWindowFirst_scopedToOrgAndProject_limited() {
    SpendAnomaly older = spike("project", "proj_a", Optional.of("org_a"), Optional.of("proj_a"), H.minus(Duration.ofHours(1)));
    SpendAnomaly newer = spike("key", "k1", Optional.of("org_a"), Optional.of("proj_a"), H);
    SpendAnomaly otherOrg = spike("key", "k9", Optional.of("org_b"), Optional.of("proj_b"), H);
    SpendAnomaly model = spike("model", "gpt-4o", Optional.empty(), Optional.empty(), H);
    for (SpendAnomaly a : List.of(older, newer, otherOrg, model)) {
      assertThat(store().addIfAbsent(a, DETECTED)).isTrue();
    }
    Instant from = H.minus(Duration.ofDays(1));
    Instant to = H.plus(Duration.ofDays(1));
    assertThat(store().list(from, to, Optional.of("org_a"), Optional.empty(), 10)).extracting(d -> d.anomaly())
        .containsExactly(newer, older);
    assertThat(store().list(from, to, Optional.of("org_b"), Optional.of("proj_b"), 10)).extracting(d -> d.anomaly())
        .containsExactly(otherOrg);
    assertThat(store().list(from, to, Optional.empty(), Optional.empty(), 10)).hasSize(4)
        .last().extracting(d -> d.anomaly()).isEqualTo(older);
    assertThat(store().list(from, to, Optional.empty(), Optional.empty(), 2)).hasSize(2)
        .allSatisfy(d -> assertThat(d.anomaly().windowStart()).isEqualTo(H));
    assertThat(store().list(H.plusSeconds(1), to, Optional.empty(), Optional.empty(), 10)).as("half-open range").isEmpty();
  }
}
