package dev.tollgate.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BudgetTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void month_isAlignedToLocalMidnightOfTheFirst() {
    Budget.Window w = Budget.Period.MONTH.window(Instant.parse("2026-11-30T23:30:00Z"), BERLIN); // 00:30 on Dec 1 in Berlin

    assertThat(w.key()).isEqualTo("2026-12");
    assertThat(w.start()).isEqualTo(Instant.parse("2026-11-30T23:00:00Z"));
    assertThat(w.end()).contains(Instant.parse("2026-12-31T23:00:00Z"));
  }

  @Test
  void week_isIsoWeekFromMonday_acrossTheYearBoundary() {
    Budget.Window w = Budget.Period.WEEK.window(Instant.parse("2027-01-01T12:00:00Z"), ZoneId.of("UTC")); // a Friday

    assertThat(w.key()).isEqualTo("2026-W53");
    assertThat(w.start()).isEqualTo(Instant.parse("2026-12-28T00:00:00Z"));
    assertThat(w.end()).contains(Instant.parse("2027-01-04T00:00:00Z"));
  }

  @Test
  void day_onTheDstChange_is23Hours() {
    Budget.Window w = Budget.Period.DAY.window(Instant.parse("2026-03-29T12:00:00Z"), BERLIN);

    assertThat(w.key()).isEqualTo("2026-03-29");
    assertThat(w.start()).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));
    assertThat(w.end()).contains(Instant.parse("2026-03-29T22:00:00Z"));
  }

  @Test
  void total_neverEnds() {
    Budget.Window w = Budget.Period.TOTAL.window(Instant.parse("2026-03-29T12:00:00Z"), BERLIN);

    assertThat(w.key()).isEqualTo("total");
    assertThat(w.end()).isEmpty();
  }

  @Test
  void invalidBudgets_nameTheValueAndTheExpectation() {
    Instant t = Instant.EPOCH;
    assertThatThrownBy(() -> new Budget("b", "n", Budget.Scope.KEY, "k", Optional.empty(), Optional.empty(), Budget.Period.DAY,
        1, List.of(80, 50), Budget.Action.BLOCK, Optional.empty(), t, t))
        .hasMessage("thresholds: [80, 50] (expected: ascending percentages in 1..1000)");
    assertThatThrownBy(() -> new Budget("b", "n", Budget.Scope.KEY, "k", Optional.empty(), Optional.empty(), Budget.Period.DAY,
        1, List.of(), Budget.Action.DOWNGRADE, Optional.empty(), t, t))
        .hasMessage("downgrade_to: <missing> (expected: a model name when action is downgrade)");
    assertThatThrownBy(() -> Budget.Period.parse("year")).hasMessage("period: year (expected: day, week, month or total)");
  }

  @Test
  void matching_followsTheScope() {
    Instant t = Instant.EPOCH;
    Budget tag = new Budget("b", "n", Budget.Scope.TAG, "batch", Optional.empty(), Optional.empty(), Budget.Period.DAY, 1,
        List.of(), Budget.Action.BLOCK, Optional.empty(), t, t);
    Budget user = new Budget("b", "n", Budget.Scope.USER, "u1", Optional.empty(), Optional.empty(), Budget.Period.DAY, 1,
        List.of(), Budget.Action.BLOCK, Optional.empty(), t, t);

    assertThat(tag.matches(Optional.empty(), Optional.empty(), "k", Optional.empty(), List.of("x", "batch"))).isTrue();
    assertThat(tag.matches(Optional.empty(), Optional.empty(), "k", Optional.empty(), List.of("x"))).isFalse();
    assertThat(user.matches(Optional.empty(), Optional.empty(), "k", Optional.of("u1"), List.of())).isTrue();
    assertThat(user.matches(Optional.empty(), Optional.empty(), "k", Optional.empty(), List.of())).isFalse();
  }

  @Test
  void aTenantsBudget_neverMatchesAnotherTenantsTraffic() {
    Instant t = Instant.EPOCH;
    Budget owned = new Budget("b", "n", Budget.Scope.TAG, "batch", Optional.of("org_1"), Optional.empty(), Budget.Period.DAY, 1,
        List.of(), Budget.Action.BLOCK, Optional.empty(), t, t);

    assertThat(owned.matches(Optional.of("org_1"), Optional.empty(), "k", Optional.empty(), List.of("batch"))).isTrue();
    assertThat(owned.matches(Optional.of("org_2"), Optional.empty(), "k", Optional.empty(), List.of("batch"))).isFalse();
    assertThat(owned.matches(Optional.empty(), Optional.empty(), "k", Optional.empty(), List.of("batch"))).isFalse();
  }
}
