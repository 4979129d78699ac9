package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Period-end spend projection from a daily spend series: a robust trend times weekday factors, with a
 * prediction interval from the fit's residuals. Pure: amounts in and out are nano-USD {@code long}s; the
 * model's factors are doubles, and each projected amount is rounded once.
 *
 * <ol>
 *   <li>Weekday factors (with at least two weeks of history): for every day with a full centred 7-day
 *       window, its spend over the window's mean; a weekday's factor is the median of its ratios, and the
 *       factors are normalised to average 1.</li>
 *   <li>Trend: Theil–Sen (median of pairwise slopes) on the deseasonalised last {@value #TREND_DAYS} days,
 *       so a single spike day does not tilt it.</li>
 *   <li>Each remaining day = max(0, trend) × its weekday factor; today counts what is left of its expected
 *       spend beyond what was already spent.</li>
 *   <li>Interval: ±{@value #Z90} standard deviations of the remaining sum, counting each day's own noise and
 *       the uncertainty of the trend's level and slope (the regression formulas, with the deseasonalised
 *       residuals' spread), clamped below at what has been spent: roughly a 90 % interval.</li>
 * </ol>
 */
public final class Forecaster {
  static final int TREND_DAYS = 28;
  static final int SEASON_MIN_DAYS = 14;
  static final double Z90 = 1.645;

  private Forecaster() {}

  /**
   * @param projectedNanos spend expected by the end of the period (actual so far + forecast)
   * @param lowerNanos lower bound of the interval (never below {@code actualNanos})
   * @param weekdayFactors Monday first; all 1 without enough history
   * @param slopeNanosPerDay the deseasonalised trend
   * @param days the forecast of each remaining day, today first
   */
  public record Result(long actualNanos, long projectedNanos, long lowerNanos, long upperNanos, double[] weekdayFactors,
                       long slopeNanosPerDay, int historyDays, List<DayForecast> days) {}

  public record DayForecast(LocalDate date, long nanos) {}

  /**
   * @param firstDay the date of {@code history[0]}
   * @param history spend of each complete day, oldest first, ending the day before {@code today}
   * @param todaySoFar spend of today until now
   * @param periodStart first day of the period (e.g. the 1st of the month)
   * @param periodEnd the day after the period's last day
   */
  public static Result forecast(LocalDate firstDay, long[] history, long todaySoFar, LocalDate today,
                                LocalDate periodStart, LocalDate periodEnd) {
    requireNonNull(firstDay, "firstDay");
    requireNonNull(today, "today");
    if (!firstDay.plusDays(history.length).equals(today)) {
      throw new IllegalArgumentException("history of " + history.length + " days from " + firstDay + " does not end before " + today);
    }
    if (today.isBefore(periodStart) || !today.isBefore(periodEnd)) {
      throw new IllegalArgumentException("today " + today + " is outside the period " + periodStart + ".." + periodEnd);
    }
    long actual = todaySoFar;
    for (int i = 0; i < history.length; i++) {
      if (!firstDay.plusDays(i).isBefore(periodStart)) {
        actual += history[i];
      }
    }
    double[] factors = weekdayFactors(firstDay, history);
    int fitFrom = Math.max(0, history.length - TREND_DAYS);
    int n = history.length - fitFrom;
    double slope = 0;
    double intercept = 0; // the trend value at index fitFrom
    if (n > 0) {
      double[] z = new double[n];
      for (int i = 0; i < n; i++) {
        z[i] = history[fitFrom + i] / factors[dow(firstDay.plusDays(fitFrom + i))];
      }
      slope = n >= 3 ? theilSen(z) : 0;
      double[] level = new double[n];
      for (int i = 0; i < n; i++) {
        level[i] = z[i] - slope * i;
      }
      intercept = median(level);
    }
    // residuals of the deseasonalised fit give the spread of one day around the trend
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      double fit = intercept + slope * i;
      double r = history[fitFrom + i] / factors[dow(firstDay.plusDays(fitFrom + i))] - fit;
      sumSq += r * r;
    }
    double sigma = n > 2 ? Math.sqrt(sumSq / (n - 2)) : 0;
    double xMean = (n - 1) / 2.0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxx += (i - xMean) * (i - xMean);
    }
    List<DayForecast> days = new ArrayList<>();
    double future = 0;
    double noise = 0;     // sum of f^2: each future day's own noise
    double level = 0;     // sum of f: the uncertainty of the trend's level
    double tilt = 0;      // sum of f * (x - mean x): the uncertainty of its slope
    long horizon = ChronoUnit.DAYS.between(today, periodEnd);
    for (int k = 0; k < horizon; k++) {
      LocalDate d = today.plusDays(k);
      int index = history.length + k - fitFrom;
      double f = factors[dow(d)];
      noise += f * f;
      level += f;
      tilt += f * (index - xMean);
      double expected = n == 0 ? 0 : Math.max(0, intercept + slope * index) * f;
      double add = k == 0 ? Math.max(0, expected - todaySoFar) : expected;
      future += add;
      days.add(new DayForecast(d, Math.round(k == 0 ? todaySoFar + add : add)));
    }
    long projected = actual + Math.round(future);
    double variance = noise + (n > 0 ? level * level / n : 0) + (sxx > 0 ? tilt * tilt / sxx : 0);
    long half = Math.round(Z90 * sigma * Math.sqrt(variance));
    return new Result(actual, projected, Math.max(actual, projected - half), projected + half, factors,
        Math.round(slope), history.length, days);
  }

  /** Monday = 0. */
  static int dow(LocalDate d) {
    return d.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue();
  }

  static double[] weekdayFactors(LocalDate firstDay, long[] y) {
    double[] factors = new double[7];
    Arrays.fill(factors, 1.0);
    if (y.length < SEASON_MIN_DAYS) {
      return factors;
    }
    List<List<Double>> ratios = new ArrayList<>();
    for (int w = 0; w < 7; w++) {
      ratios.add(new ArrayList<>());
    }
    for (int i = 3; i + 3 < y.length; i++) {
      double mean = 0;
      for (int k = i - 3; k <= i + 3; k++) {
        mean += y[k];
      }
      mean /= 7;
      if (mean > 0) {
        ratios.get(dow(firstDay.plusDays(i))).add(y[i] / mean);
      }
    }
    double sum = 0;
    for (int w = 0; w < 7; w++) {
      List<Double> r = ratios.get(w);
      factors[w] = r.isEmpty() ? 1.0 : median(r.stream().mapToDouble(Double::doubleValue).toArray());
      sum += factors[w];
    }
    if (sum <= 0) {
      Arrays.fill(factors, 1.0);
      return factors;
    }
    for (int w = 0; w < 7; w++) {
      // a weekday that never spends gets a tiny factor, not zero: deseasonalising divides by it
      factors[w] = Math.max(factors[w] * 7 / sum, 1e-6);
    }
    return factors;
  }

  static double theilSen(double[] z) {
    double[] slopes = new double[z.length * (z.length - 1) / 2];
    int k = 0;
    for (int i = 0; i < z.length; i++) {
      for (int j = i + 1; j < z.length; j++) {
        slopes[k++] = (z[j] - z[i]) / (j - i);
      }
    }
    return median(slopes);
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return 0;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
}
