package dev.tollgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The forecaster on synthetic daily series whose future is known: exact answers on noiseless series, and a
 * backtest over a year of month-ends showing it beats naive linear extrapolation (month-to-date run rate, and
 * an ordinary least-squares line through the history) when spend has weekday seasonality and a trend.
 */
class ForecasterTest {
  private static final long USD = 1_000_000_000L;
  /** Weekday profile of a B2B workload: quiet weekends. Monday first. */
  private static final double[] SEASON = {1.15, 1.2, 1.2, 1.15, 1.0, 0.35, 0.30};

  @Test
  void constantSpend_projectsExactly() {
    LocalDate today = LocalDate.of(2026, 11, 10);
    LocalDate first = today.minusDays(56);
    long[] history = new long[56];
    java.util.Arrays.fill(history, 100 * USD);
    Forecaster.Result r = Forecaster.forecast(first, history, 0, today, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1));
    assertThat(r.actualNanos()).isEqualTo(9 * 100 * USD);
    assertThat(r.projectedNanos()).isEqualTo(30 * 100 * USD);
    assertThat(r.lowerNanos()).isEqualTo(r.projectedNanos()); // no residuals, no spread
    assertThat(r.upperNanos()).isEqualTo(r.projectedNanos());
    assertThat(r.days()).hasSize(21);
  }

  @Test
  void linearTrend_isExtrapolatedExactly() {
    LocalDate today = LocalDate.of(2026, 11, 15);
    LocalDate first = today.minusDays(56);
    long[] history = new long[56];
    for (int i = 0; i < 56; i++) {
      history[i] = (50 + 2L * i) * USD; // +2 USD a day
    }
    Forecaster.Result r = Forecaster.forecast(first, history, 0, today, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1));
    long expected = 0;
    for (int i = 56 - 14; i < 56 + 16; i++) { // Nov 1 is index 42; Nov 30 is index 71
      expected += (50 + 2L * i) * USD;
    }
    assertThat(r.slopeNanosPerDay()).isEqualTo(2 * USD);
    assertThat(r.weekdayFactors()).containsOnly(1.0);
    assertThat(r.projectedNanos()).isCloseTo(expected, within(1000L)); // doubles inside the model, rounded once
  }

  @Test
  void weeklySeasonality_isRecoveredAndProjected() {
    LocalDate today = LocalDate.of(2026, 11, 12);
    LocalDate first = today.minusDays(56);
    long[] history = new long[56];
    for (int i = 0; i < 56; i++) {
      history[i] = Math.round(100 * USD * SEASON[first.plusDays(i).getDayOfWeek().getValue() - 1]);
    }
    Forecaster.Result r = Forecaster.forecast(first, history, 0, today, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1));
    double mean = java.util.Arrays.stream(SEASON).average().orElseThrow();
    for (DayOfWeek d : DayOfWeek.values()) {
      assertThat(r.weekdayFactors()[d.getValue() - 1]).isCloseTo(SEASON[d.getValue() - 1] / mean, within(1e-9));
    }
    long expected = 0;
    for (LocalDate d = LocalDate.of(2026, 11, 1); d.isBefore(LocalDate.of(2026, 12, 1)); d = d.plusDays(1)) {
      expected += Math.round(100 * USD * SEASON[d.getDayOfWeek().getValue() - 1]);
    }
    assertThat(r.projectedNanos()).isCloseTo(expected, within(1000L));
  }

  @Test
  void todaysSpendAboveItsForecast_countsAsIs() {
    LocalDate today = LocalDate.of(2026, 11, 10);
    long[] history = new long[56];
    java.util.Arrays.fill(history, 10 * USD);
    Forecaster.Result r = Forecaster.forecast(today.minusDays(56), history, 25 * USD, today, LocalDate.of(2026, 11, 1),
        LocalDate.of(2026, 12, 1));
    assertThat(r.actualNanos()).isEqualTo(9 * 10 * USD + 25 * USD);
    assertThat(r.days().getFirst().nanos()).isEqualTo(25 * USD);
    assertThat(r.projectedNanos()).isEqualTo(9 * 10 * USD + 25 * USD + 20 * 10 * USD);
  }

  @Test
  void noHistory_projectsWhatWasSpent() {
    LocalDate today = LocalDate.of(2026, 11, 1);
    Forecaster.Result r = Forecaster.forecast(today, new long[0], 3 * USD, today, today, today.plusMonths(1));
    assertThat(r.actualNanos()).isEqualTo(3 * USD);
    assertThat(r.projectedNanos()).isEqualTo(3 * USD);
  }

  @Test
  void intervalWidensWithNoise_andContainsTheTruthMostOfTheTime() {
    Backtest b = backtest(0.10, 0.004, 7);
    assertThat(b.coverage).as("share of month-ends inside the 90 %% interval").isBetween(0.75, 1.0);
  }

  /**
   * A year of month-ends at every cut day from the 3rd to the 25th: mean absolute error of the month total, relative
   * to the true total, for the forecaster and two naive linear extrapolations.
   */
  @Test
  void backtest_beatsNaiveLinearExtrapolation() {
    for (long seed = 1; seed <= 3; seed++) {
      Backtest withTrend = backtest(0.06, 0.006, seed);
      assertThat(withTrend.forecastMape).as("seed %d: forecaster %s vs run rate %s", seed, withTrend.forecastMape, withTrend.runRateMape)
          .isLessThan(withTrend.runRateMape * 0.6);
      assertThat(withTrend.forecastMape).as("seed %d: forecaster %s vs OLS line %s", seed, withTrend.forecastMape, withTrend.olsMape)
          .isLessThan(withTrend.olsMape);
    }
    Backtest flat = backtest(0.06, 0.0, 11);
    assertThat(flat.forecastMape).isLessThan(flat.runRateMape);
  }

  private record Backtest(double forecastMape, double runRateMape, double olsMape, double coverage) {}

  private static Backtest backtest(double noise, double growthPerDay, long seed) {
    Random random = new Random(seed);
    LocalDate start = LocalDate.of(2025, 10, 1);
    int days = 500;
    long[] y = new long[days];
    for (int i = 0; i < days; i++) {
      double v = 200 * USD * (1 + growthPerDay * i) * SEASON[start.plusDays(i).getDayOfWeek().getValue() - 1]
          * (1 + noise * random.nextGaussian());
      y[i] = Math.max(0, Math.round(v));
    }
    double errF = 0;
    double errR = 0;
    double errO = 0;
    int n = 0;
    int covered = 0;
    for (LocalDate month = LocalDate.of(2026, 1, 1); month.isBefore(LocalDate.of(2027, 1, 1)); month = month.plusMonths(1)) {
      LocalDate end = month.plusMonths(1);
      long truth = 0;
      for (LocalDate d = month; d.isBefore(end); d = d.plusDays(1)) {
        truth += y[(int) ChronoUnit.DAYS.between(start, d)];
      }
      for (int cut = 3; cut <= 25; cut++) {
        LocalDate today = month.plusDays(cut - 1);
        int t = (int) ChronoUnit.DAYS.between(start, today);
        LocalDate first = today.minusDays(56);
        long[] history = java.util.Arrays.copyOfRange(y, t - 56, t);
        Forecaster.Result r = Forecaster.forecast(first, history, 0, today, month, end);
        long monthDays = ChronoUnit.DAYS.between(month, end);
        long elapsed = ChronoUnit.DAYS.between(month, today);
        double runRate = (double) r.actualNanos() / elapsed * monthDays;
        double ols = r.actualNanos() + olsRemaining(history, (int) ChronoUnit.DAYS.between(today, end));
        errF += Math.abs(r.projectedNanos() - truth) / (double) truth;
        errR += Math.abs(runRate - truth) / truth;
        errO += Math.abs(ols - truth) / truth;
        if (truth >= r.lowerNanos() && truth <= r.upperNanos()) {
          covered++;
        }
        n++;
      }
    }
    return new Backtest(errF / n, errR / n, errO / n, covered / (double) n);
  }

  /** An ordinary least-squares line through the last 28 days, summed over the next {@code h} days. */
  private static double olsRemaining(long[] history, int h) {
    int n = 28;
    int off = history.length - n;
    double mx = (n - 1) / 2.0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      my += history[off + i];
    }
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (i - mx) * (history[off + i] - my);
      sxx += (i - mx) * (i - mx);
    }
    double slope = sxy / sxx;
    double sum = 0;
    for (int k = 0; k < h; k++) {
      sum += Math.max(0, my + slope * (n + k - mx));
    }
    return sum;
  }
}
