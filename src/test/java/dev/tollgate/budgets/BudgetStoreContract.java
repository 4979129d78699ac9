package dev.tollgate.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BudgetStore} backend must do. A backend's test extends this with an empty store per
 * test and a way to put ledger rows where {@link BudgetStore#spent} reads them.
 */
public abstract class BudgetStoreContract {
  protected static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  protected abstract BudgetStore store();

  /** Appends ledger rows to the ledger the store sums. */
  protected abstract void ledger(List<UsageRecord> rows);

  private static Budget budget(String id, Budget.Scope scope, String value) {
    return new Budget(id, "name " + id, scope, value, Optional.of("org_1"), Optional.empty(), Budget.Period.MONTH, 5_000_000_000L,
        List.of(25, 100), Budget.Action.DOWNGRADE, Optional.of("mock-small"), T0, T0);
  }

  private static UsageRecord row(String id, Instant at, String key, Optional<String> user, List<String> tags, String org,
                                 String project, long nanos) {
    return new UsageRecord(id, 1, at, Optional.empty(), at.plusMillis(5), key, user, tags, "mock", "m", "m", "chat", false,
        TokenUsage.of(1, 1), nanos, 200, Optional.empty(), Set.of(), Optional.empty(), Map.of(), Optional.of(org),
        Optional.of(project), Optional.empty(), 0);
  }

  @Test
  void insertFindUpdateDelete_roundTripsEveryField() {
    Budget b = budget("budget_1", Budget.Scope.TAG, "team:a");
    store().insert(b);
    assertThat(store().find("budget_1")).contains(b);

    Budget changed = new Budget(b.id(), "renamed", b.scope(), b.scopeValue(), b.orgId(), b.projectId(), Budget.Period.DAY, 7,
        List.of(90), Budget.Action.ALERT_ONLY, Optional.empty(), b.createdAt(), T0.plusSeconds(5));
    assertThat(store().update(changed)).isTrue();
    assertThat(store().find("budget_1")).contains(changed);
    assertThat(store().all()).containsExactly(changed);

    assertThat(store().delete("budget_1")).isTrue();
    assertThat(store().delete("budget_1")).isFalse();
    assertThat(store().find("budget_1")).isEmpty();
    assertThat(store().update(changed)).isFalse();
  }

  @Test
  void spent_sumsTheLedgerUnderEachScopeInsideTheWindow() {
    ledger(List.of(
        row("r1", T0.plusSeconds(10), "key_a", Optional.of("u1"), List.of("team:a", "env:prod"), "org_1", "proj_1", 100),
        row("r2", T0.plusSeconds(20), "key_b", Optional.empty(), List.of("team:b"), "org_1", "proj_2", 20),
        row("r3", T0.minusSeconds(1), "key_a", Optional.of("u1"), List.of("team:a"), "org_1", "proj_1", 7_000), // last period
        row("r4", T0.plusSeconds(30), "key_c", Optional.of("u2"), List.of("team:ab"), "org_2", "proj_3", 3)));
    Instant end = T0.plusSeconds(3600);

    assertThat(store().spent(Budget.Scope.ORG, "org_1", T0, end)).isEqualTo(120);
    assertThat(store().spent(Budget.Scope.PROJECT, "proj_1", T0, end)).isEqualTo(100);
    assertThat(store().spent(Budget.Scope.KEY, "key_a", T0, end)).isEqualTo(100);
    assertThat(store().spent(Budget.Scope.USER, "u1", T0, end)).isEqualTo(100);
    assertThat(store().spent(Budget.Scope.TAG, "team:a", T0, end)).isEqualTo(100); // not team:ab
    assertThat(store().spent(Budget.Scope.TAG, "nobody", T0, end)).isZero();
    assertThat(store().spent(Budget.Scope.KEY, "key_a", T0.minusSeconds(60), end)).isEqualTo(7_100);
  }

  @Test
  void unpriced_returnsTheUnpricedRowsOfTheScopeInsideTheWindow_withTheirUsage() {
    UsageRecord plain = row("u1", T0.plusSeconds(10), "key_a", Optional.of("u1"), List.of("team:a"), "org_1", "proj_1", 0);
    TokenUsage usage = new TokenUsage(1_000, 20, 30, 40, 5, 6, 700, 80, 9);
    UsageRecord unpriced = new UsageRecord("u1", 1, plain.startedAt(), Optional.empty(), plain.endedAt(), "key_a", Optional.of("u1"),
        List.of("team:a"), "ollama", "llama-local", "llama-local", "chat", false, usage, 0, 200, Optional.empty(),
        Set.of(dev.tollgate.usage.UsageFlag.UNPRICED), Optional.empty(), Map.of(), Optional.of("org_1"), Optional.of("proj_1"),
        Optional.empty(), 0);
    ledger(List.of(unpriced,
        row("p1", T0.plusSeconds(20), "key_a", Optional.of("u1"), List.of("team:a"), "org_1", "proj_1", 100), // priced
        new UsageRecord("old", 1, T0.minusSeconds(5), Optional.empty(), T0, "key_a", Optional.empty(), List.of(), "ollama",
            "llama-local", "llama-local", "chat", false, usage, 0, 200, Optional.empty(), Set.of(dev.tollgate.usage.UsageFlag.UNPRICED),
            Optional.empty(), Map.of(), Optional.of("org_1"), Optional.of("proj_1"), Optional.empty(), 0))); // last period
    Instant end = T0.plusSeconds(3600);

    assertThat(store().unpriced(Budget.Scope.KEY, "key_a", T0, end))
        .containsExactly(new UnpricedRow("ollama", "llama-local", plain.startedAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS), usage));
    assertThat(store().unpriced(Budget.Scope.TAG, "team:a", T0, end)).hasSize(1);
    assertThat(store().unpriced(Budget.Scope.ORG, "org_2", T0, end)).isEmpty();
    assertThat(store().unpriced(Budget.Scope.KEY, "key_a", T0.minusSeconds(60), end)).hasSize(2);
    assertThat(store().spent(Budget.Scope.KEY, "key_a", T0, end)).as("the ledger holds $0 for them").isEqualTo(100);
  }
}
