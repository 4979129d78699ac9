package dev.tollgate.common;

import java.math.BigDecimal;

/** Money is an exact count of nano-USD (1e-9 USD) in a {@code long}; this formats and converts it. */
public final class Money {
  public static final long NANOS_PER_USD = 1_000_000_000L;

  private Money() {}

  /** {@code 577500} → {@code "0.000577500"}: always nine decimals, exact, no BigDecimal on the hot path. */
  public static String usd(long nanos) {
    StringBuilder sb = new StringBuilder(20);
    long abs = nanos;
    if (nanos < 0) {
      sb.append('-');
      abs = -nanos; // Long.MIN_VALUE nano-USD is -9.2 billion USD: not a request cost
    }
    sb.append(abs / NANOS_PER_USD).append('.');
    String frac = Long.toString(abs % NANOS_PER_USD);
    sb.append("000000000", 0, 9 - frac.length()).append(frac);
    return sb.toString();
  }

  public static BigDecimal toUsd(long nanos) {
    return BigDecimal.valueOf(nanos, 9);
  }
}
