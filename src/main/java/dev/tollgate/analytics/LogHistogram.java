package dev.tollgate.analytics;

import java.util.Map;
import java.util.TreeMap;

/**
 * Percentiles from a log-scale histogram: a value v falls in bin round(ln(max(v, 1)) × {@value #BINS_PER_E}),
 * so a bin is 2.5 % wide and a percentile read from it is within ±1.3 % of the exact one. Stores count rows
 * per (group, bin), which is a fast integer GROUP BY and is also what a rollup table can keep per hour.
 */
public final class LogHistogram {
  public static final int BINS_PER_E = 40;

  private final TreeMap<Integer, Long> bins = new TreeMap<>();
  private long count;

  public void add(int bin, long n) {
    bins.merge(bin, n, Long::sum);
    count += n;
  }

  public long count() {
    return count;
  }

  /** The value at quantile {@code q} (0..1], rounded to a whole unit; 0 when empty. */
  public long quantile(double q) {
    if (count == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * count);
    long seen = 0;
    for (Map.Entry<Integer, Long> e : bins.entrySet()) {
      seen += e.getValue();
      if (seen >= Math.max(1, rank)) {
        return Math.round(Math.exp(e.getKey() / (double) BINS_PER_E));
      }
    }
    return Math.round(Math.exp(bins.lastKey() / (double) BINS_PER_E));
  }

  public ModelLatency.Percentiles percentiles() {
    return new ModelLatency.Percentiles(quantile(0.5), quantile(0.95), quantile(0.99));
  }

  /** The SQL expression of a value's bin (for a column in milliseconds). */
  public static String binSql(String column) {
    return "CAST(round(ln(greatest(" + column + ", 1)) * " + BINS_PER_E + ") AS INTEGER)";
  }
}
