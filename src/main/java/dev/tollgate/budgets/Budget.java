package dev.tollgate.budgets;

import static java.util.Objects.requireNonNull;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A spending limit on one org, project, key, end user or tag, per calendar period.
 *
 * @param scopeValue the org id, project id, key id, user id or tag the budget limits
 * @param orgId the org that owns the budget (tenant scoping); empty for a budget the master key made for everyone
 * @param projectId the project that owns the budget, when it is project-scoped
 * @param amountNanos the limit per period, nano-USD
 * @param thresholds alert thresholds in percent of the amount, ascending (default 50, 80, 100)
 * @param downgradeTo the cheaper model served once the budget is spent, for action {@code downgrade}
 */
public record Budget(String id, String name, Scope scope, String scopeValue, Optional<String> orgId,
                     Optional<String> projectId, Period period, long amountNanos, List<Integer> thresholds,
                     Action action, Optional<String> downgradeTo, Instant createdAt, Instant updatedAt) {

  /** This budget owned by another org and project (those of the object it limits). */
  public Budget ownedBy(Optional<String> org, Optional<String> project) {
    return new Budget(id, name, scope, scopeValue, org, project, period, amountNanos, thresholds, action, downgradeTo,
        createdAt, updatedAt);
  }

  public static final List<Integer> DEFAULT_THRESHOLDS = List.of(50, 80, 100);

  public enum Scope {
    ORG, PROJECT, KEY, USER, TAG;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String s) {
      for (Scope v : values()) {
        if (v.wire().equals(s)) {
          return v;
        }
      }
      throw new IllegalArgumentException("scope: " + s + " (expected: org, project, key, user or tag)");
    }
  }

  public enum Action {
    BLOCK, DOWNGRADE, ALERT_ONLY;

    public String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Action parse(String s) {
      for (Action v : values()) {
        if (v.wire().equals(s)) {
          return v;
        }
      }
      throw new IllegalArgumentException("action: " + s + " (expected: block, downgrade or alert-only)");
    }
  }

  /** A calendar period, aligned in the budgets' time zone. */
  public enum Period {
    DAY, WEEK, MONTH, TOTAL;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Period parse(String s) {
      for (Period v : values()) {
        if (v.wire().equals(s)) {
          return v;
        }
      }
      throw new IllegalArgumentException("period: " + s + " (expected: day, week, month or total)");
    }

    /** The period that contains {@code at}: weeks start on Monday (ISO), months on the 1st, at local midnight. */
    public Window window(Instant at, ZoneId zone) {
      ZonedDateTime local = at.atZone(zone);
      LocalDate day = local.toLocalDate();
      return switch (this) {
        case DAY -> new Window(day.toString(), day.atStartOfDay(zone).toInstant(),
            Optional.of(day.plusDays(1).atStartOfDay(zone).toInstant()));
        case WEEK -> {
          LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
          String key = monday.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format(Locale.ROOT, "%02d", monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
          yield new Window(key, monday.atStartOfDay(zone).toInstant(), Optional.of(monday.plusWeeks(1).atStartOfDay(zone).toInstant()));
        }
        case MONTH -> {
          LocalDate first = day.withDayOfMonth(1);
          yield new Window(first.toString().substring(0, 7), first.atStartOfDay(zone).toInstant(),
              Optional.of(first.plusMonths(1).atStartOfDay(zone).toInstant()));
        }
        case TOTAL -> new Window("total", Instant.EPOCH, Optional.empty());
      };
    }
  }

  /** One period: its key (e.g. {@code 2026-11}, {@code 2026-W47}), start, and end (empty for {@code total}). */
  public record Window(String key, Instant start, Optional<Instant> end) {}

  public Budget {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(scope, "scope");
    requireNonNull(scopeValue, "scopeValue");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(period, "period");
    requireNonNull(action, "action");
    requireNonNull(downgradeTo, "downgradeTo");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(updatedAt, "updatedAt");
    if (scopeValue.isBlank()) {
      throw new IllegalArgumentException("scope_value: '' (expected: the org, project, key, user or tag the budget limits)");
    }
    if (amountNanos < 0) {
      throw new IllegalArgumentException("amount_usd: " + dev.tollgate.common.Money.usd(amountNanos) + " (expected: >= 0)");
    }
    thresholds = List.copyOf(thresholds);
    int prev = 0;
    for (int t : thresholds) {
      if (t <= prev || t > 1000) {
        throw new IllegalArgumentException("thresholds: " + thresholds + " (expected: ascending percentages in 1..1000)");
      }
      prev = t;
    }
    if (action == Action.DOWNGRADE && downgradeTo.isEmpty()) {
      throw new IllegalArgumentException("downgrade_to: <missing> (expected: a model name when action is downgrade)");
    }
    if (action != Action.DOWNGRADE && downgradeTo.isPresent()) {
      throw new IllegalArgumentException("downgrade_to: " + downgradeTo.get() + " (expected: only with action downgrade)");
    }
  }

  /** The counter key of this budget in the period containing {@code at}. */
  public String counterKey(Window window) {
    return "budget:" + id + ":" + window.key();
  }

  /** Whether a request attributed to these values falls under this budget. */
  public boolean matches(Optional<String> org, Optional<String> project, String keyId, Optional<String> user, List<String> tags) {
    // A tenant's budget only ever applies to its own traffic, whatever its scope value says.
    if ((orgId.isPresent() && !orgId.equals(org)) || (projectId.isPresent() && !projectId.equals(project))) {
      return false;
    }
    return switch (scope) {
      case ORG -> org.isPresent() && org.get().equals(scopeValue);
      case PROJECT -> project.isPresent() && project.get().equals(scopeValue);
      case KEY -> keyId.equals(scopeValue);
      case USER -> user.isPresent() && user.get().equals(scopeValue);
      case TAG -> tags.contains(scopeValue);
    };
  }
}
