package dev.tollgate.analytics;

import dev.tollgate.common.InvalidRequestException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Time-series bucket sizes, in the caller's time zone (a day is a local calendar day, a week starts on Monday). */
public enum Bucket {
  MINUTE, HOUR, DAY, WEEK, MONTH;

  public String param() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Bucket parse(String value) {
    for (Bucket b : values()) {
      if (b.param().equals(value)) {
        return b;
      }
    }
    throw new InvalidRequestException("bucket", "bucket: '" + value + "' (expected one of: "
        + Arrays.stream(values()).map(Bucket::param).collect(Collectors.joining(", ")) + ")");
  }

  /** The local start of the bucket holding {@code local}. */
  LocalDateTime truncate(LocalDateTime local) {
    return switch (this) {
      case MINUTE -> local.truncatedTo(ChronoUnit.MINUTES);
      case HOUR -> local.truncatedTo(ChronoUnit.HOURS);
      case DAY -> local.truncatedTo(ChronoUnit.DAYS);
      case WEEK -> local.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> local.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
    };
  }

  LocalDateTime next(LocalDateTime start) {
    return switch (this) {
      case MINUTE -> start.plusMinutes(1);
      case HOUR -> start.plusHours(1);
      case DAY -> start.plusDays(1);
      case WEEK -> start.plusWeeks(1);
      case MONTH -> start.plusMonths(1);
    };
  }

  /** The instant the bucket holding {@code t} starts, in {@code zone}. */
  public Instant start(Instant t, ZoneId zone) {
    return truncate(LocalDateTime.ofInstant(t, zone)).atZone(zone).toInstant();
  }
}
