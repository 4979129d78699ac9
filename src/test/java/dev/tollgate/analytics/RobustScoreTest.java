package dev.tollgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class RobustScoreTest {
  private static final BigDecimal FOUR = new BigDecimal("4");
  private static final long USD = 1_000_000_000L;

  @Test
  void score_isDistanceFromMedianInScaledMads() {
    // median 100, deviations 0,10,10,20,20 -> MAD 10 -> spread 14.826 USD
    RobustScore.Score s = RobustScore.score(200 * USD, new long[] {80 * USD, 90 * USD, 100 * USD, 110 * USD, 120 * USD}, FOUR, USD);
    assertThat(s.medianNanos()).isEqualTo(100 * USD);
    assertThat(s.score()).isEqualByComparingTo("6.74"); // 100 / 14.826
  }

  @Test
  void steadyBaseline_needsTenPercentAboveToScoreOne() {
    RobustScore.Score s = RobustScore.score(110 * USD, new long[] {100 * USD, 100 * USD, 100 * USD, 100 * USD}, FOUR, USD);
    assertThat(s.score()).isEqualByComparingTo("1.00");
  }

  @Test
  void emptyBaseline_reachesTheThresholdAtTheMinimumAmount() {
    long[] none = {0, 0, 0, 0};
    assertThat(RobustScore.spike(5 * USD, none, FOUR, 5 * USD)).isPresent();
    assertThat(RobustScore.spike(5 * USD - 1, none, FOUR, 5 * USD)).isEmpty();
  }

  @Test
  void bigRelativeJump_belowTheMinimumAmount_isNotASpike() {
    assertThat(RobustScore.spike(3 * USD, new long[] {USD / 10, USD / 10, USD / 10}, FOUR, 5 * USD)).isEmpty();
  }
}
