package dev.tollgate.common;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses human sizes and durations from configuration: {@code 250ms}, {@code 2s}, {@code 10MiB}. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?");

  private Durations() {}

  public static Duration parseDuration(String key, String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(key, text, "a duration such as 250ms, 2s, 5m, 1h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  public static long parseSize(String key, String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(key, text, "a size such as 10MiB, 512KiB or 1048576");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long factor = switch (unit) {
      case "kb" -> 1_000L;
      case "kib" -> 1L << 10;
      case "mb" -> 1_000_000L;
      case "mib" -> 1L << 20;
      case "gb" -> 1_000_000_000L;
      case "gib" -> 1L << 30;
      default -> 1L;
    };
    return Math.multiplyExact(n, factor);
  }
}
