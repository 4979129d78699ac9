package dev.tollgate.analytics;

import dev.tollgate.auth.AdminScope;
import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.PermissionDeniedException;
import io.vertx.ext.web.RoutingContext;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/**
 * Query parameters shared by the analytics routes, validated with messages that name the parameter:
 * the time range ({@code period}, or {@code from}/{@code to} as instants or local dates), the time zone
 * ({@code tz}), the filters, and the tenant scope, which narrows every query and refuses to be widened.
 */
final class AnalyticsParams {
  static final String PERIODS = "today, yesterday, this-week, last-week, this-month, last-month, last-7-days, last-30-days, last-90-days";
  static final Duration MAX_RANGE = Duration.ofDays(800);

  private AnalyticsParams() {}

  /** A resolved range and the one it is compared with. */
  record Range(Instant from, Instant to, Instant previousFrom, Instant previousTo, Optional<String> period) {}

  static ZoneId zone(RoutingContext ctx) {
    String tz = param(ctx, "tz").orElse("UTC");
    try {
      return ZoneId.of(tz);
    } catch (DateTimeException e) {
      throw new InvalidRequestException("tz", "tz: '" + tz + "' (expected: an IANA time zone such as Europe/Berlin, or UTC)");
    }
  }

  /** {@code period} or {@code from}/{@code to}; nothing given means {@code defaultPeriod}. */
  static Range range(RoutingContext ctx, ZoneId zone, Instant now, String defaultPeriod) {
    Optional<String> period = param(ctx, "period");
    Optional<String> fromText = param(ctx, "from");
    Optional<String> toText = param(ctx, "to");
    if (period.isPresent() && (fromText.isPresent() || toText.isPresent())) {
      throw new InvalidRequestException("period", "period: '" + period.get() + "' together with from/to (expected: one or the other)");
    }
    if (fromText.isEmpty() && toText.isEmpty()) {
      return period(period.orElse(defaultPeriod), zone, now);
    }
    Instant to = toText.map(t -> instant("to", t, zone)).orElse(now);
    Instant from = fromText.map(t -> instant("from", t, zone)).orElse(to.minus(Duration.ofDays(30)));
    if (from.isAfter(to)) {
      throw new InvalidRequestException("from", "from: " + from + " is after to: " + to + " (expected: from <= to)");
    }
    if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
      throw new InvalidRequestException("from", "from " + from + " to " + to + " spans more than " + MAX_RANGE.toDays() + " days");
    }
    Duration length = Duration.between(from, to);
    return new Range(from, to, from.minus(length), from, Optional.empty());
  }

  static Range period(String name, ZoneId zone, Instant now) {
    ZonedDateTime z = now.atZone(zone);
    LocalDate today = z.toLocalDate();
    Instant todayStart = today.atStartOfDay(zone).toInstant();
    return switch (name) {
      case "today" -> new Range(todayStart, now, today.minusDays(1).atStartOfDay(zone).toInstant(),
          z.minusDays(1).toInstant(), Optional.of(name));
      case "yesterday" -> calendar(name, today.minusDays(1), today, today.minusDays(2), zone);
      case "this-week" -> {
        LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        yield new Range(monday.atStartOfDay(zone).toInstant(), now, monday.minusWeeks(1).atStartOfDay(zone).toInstant(),
            z.minusWeeks(1).toInstant(), Optional.of(name));
      }
      case "last-week" -> {
        LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1);
        yield calendar(name, monday, monday.plusWeeks(1), monday.minusWeeks(1), zone);
      }
      case "this-month" -> {
        LocalDate first = today.withDayOfMonth(1);
        // compared with the same stretch of last month (clamped to its end): 1-22 Nov against 1-22 Oct
        ZonedDateTime sameTimeLastMonth = z.minusMonths(1);
        yield new Range(first.atStartOfDay(zone).toInstant(), now, first.minusMonths(1).atStartOfDay(zone).toInstant(),
            sameTimeLastMonth.toInstant(), Optional.of(name));
      }
      case "last-month" -> {
        LocalDate first = today.withDayOfMonth(1).minusMonths(1);
        yield calendar(name, first, first.plusMonths(1), first.minusMonths(1), zone);
      }
      case "last-7-days" -> rolling(name, now, 7);
      case "last-30-days" -> rolling(name, now, 30);
      case "last-90-days" -> rolling(name, now, 90);
      default -> throw new InvalidRequestException("period", "period: '" + name + "' (expected one of: " + PERIODS + ")");
    };
  }

  private static Range calendar(String name, LocalDate from, LocalDate to, LocalDate previousFrom, ZoneId zone) {
    return new Range(from.atStartOfDay(zone).toInstant(), to.atStartOfDay(zone).toInstant(),
        previousFrom.atStartOfDay(zone).toInstant(), from.atStartOfDay(zone).toInstant(), Optional.of(name));
  }

  private static Range rolling(String name, Instant now, int days) {
    Duration d = Duration.ofDays(days);
    return new Range(now.minus(d), now, now.minus(d).minus(d), now.minus(d), Optional.of(name));
  }

  /** An ISO-8601 instant, or a date meaning its start in {@code zone}. */
  static Instant instant(String name, String text, ZoneId zone) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(text).atStartOfDay(zone).toInstant();
      } catch (DateTimeParseException e2) {
        throw new InvalidRequestException(name, name + ": '" + text
            + "' (expected: an ISO-8601 instant such as 2026-11-01T00:00:00Z, or a date such as 2026-11-01 in tz)");
      }
    }
  }

  /** The filters and the caller's scope, over {@code [from, to)}. */
  static Slice slice(RoutingContext ctx, Instant from, Instant to) {
    AdminScope scope = AdminScope.of(ctx);
    Optional<String> org = param(ctx, "org");
    Optional<String> project = param(ctx, "project");
    if (scope.orgId().isPresent()) {
      // A scoped caller sees only its own org (and project); naming another one is refused, not silently widened.
      if (!scope.covers(org.or(scope::orgId), project.or(scope::projectId))) {
        throw new PermissionDeniedException("outside_scope", "'" + scope.actor() + "' may not read analytics outside its own "
            + (scope.projectId().isPresent() ? "project" : "org"));
      }
      org = scope.orgId();
      project = scope.projectId().or(() -> param(ctx, "project"));
    }
    return new Slice(from, to, org, project, param(ctx, "key_id"), param(ctx, "model"), param(ctx, "provider"),
        param(ctx, "user"), param(ctx, "tag"));
  }

  static Optional<Dimension> dimension(RoutingContext ctx, String name) {
    return param(ctx, name).map(v -> Dimension.parse(name, v));
  }

  static int integer(RoutingContext ctx, String name, int dflt, int min, int max) {
    Optional<String> v = param(ctx, name);
    if (v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidRequestException(name, name + ": '" + v.get() + "' (expected: an integer " + min + ".." + max + ")");
  }

  static Optional<String> param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }
}
