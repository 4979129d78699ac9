package dev.tollgate.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Optional;

/**
 * How unusual one window's spend is against its baseline windows: a robust z-score, (observed − median) /
 * (1.4826 × MAD), the MAD scaled to match a standard deviation for normal data. The spread has floors so
 * that a perfectly steady or empty baseline does not make every cent an anomaly: 10 % of the median, and
 * {@code minAmount / threshold} (so with an empty baseline the score reaches the threshold exactly at the
 * minimum amount). Pure; amounts are nano-USD.
 */
public final class RobustScore {
  static final double MAD_TO_SIGMA = 1.4826;

  private RobustScore() {}

  /** The baseline's median and the score of {@code observed}. */
  public record Score(long medianNanos, BigDecimal score) {}

  public static Score score(long observed, long[] baseline, BigDecimal threshold, long minAmountNanos) {
    long median = median(baseline);
    long[] deviations = new long[baseline.length];
    for (int i = 0; i < baseline.length; i++) {
      deviations[i] = Math.abs(baseline[i] - median);
    }
    double mad = median(deviations);
    double spread = Math.max(MAD_TO_SIGMA * mad, Math.max(0.1 * median, minAmountNanos / threshold.doubleValue()));
    spread = Math.max(spread, 1);
    double z = (observed - median) / spread;
    return new Score(median, BigDecimal.valueOf(z).setScale(2, RoundingMode.HALF_UP));
  }

  /**
   * A spike when the score reaches {@code threshold} and the spend is at least {@code minAmountNanos} above
   * the median.
   */
  public static Optional<Score> spike(long observed, long[] baseline, BigDecimal threshold, long minAmountNanos) {
    Score s = score(observed, baseline, threshold, minAmountNanos);
    boolean spike = s.score().compareTo(threshold) >= 0 && observed - s.medianNanos() >= minAmountNanos;
    return spike ? Optional.of(s) : Optional.empty();
  }

  static long median(long[] values) {
    if (values.length == 0) {
      return 0;
    }
    long[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
}
