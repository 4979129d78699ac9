package dev.tollgate.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.common.EventBus;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Threshold and burn-rate events published after charges, and the status arithmetic. */
class BudgetsEventsTest {
  private static final long USD = 1_000_000_000L;

  /** A budget store in memory (the DuckDB one is exercised by the HTTP tests). */
  static final class MemoryStore implements BudgetStore {
    final List<Budget> budgets = new ArrayList<>();

    @Override
    public void insert(Budget budget) {
      budgets.add(budget);
    }

    @Override
    public boolean update(Budget budget) {
      boolean found = budgets.removeIf(b -> b.id().equals(budget.id()));
      if (found) {
        budgets.add(budget);
      }
      return found;
    }

    @Override
    public boolean delete(String id) {
      return budgets.removeIf(b -> b.id().equals(id));
    }

    @Override
    public Optional<Budget> find(String id) {
      return budgets.stream().filter(b -> b.id().equals(id)).findFirst();
    }

    @Override
    public List<Budget> all() {
      return List.copyOf(budgets);
    }

    @Override
    public long spent(Budget.Scope scope, String scopeValue, Instant from, Instant to) {
      return 0;
    }

    @Override
    public List<UnpricedRow> unpriced(Budget.Scope scope, String scopeValue, Instant from, Instant to) {
      return List.of();
    }
  }

  /** For budgets over {@link MemoryStore}, which holds no ledger rows to price. */
  static long noLedger(UnpricedRow r) {
    throw new AssertionError("MemoryStore has no ledger rows: " + r);
  }

  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-07T00:00:00Z")); // 20% into November
  private final EventBus events = new EventBus();
  private final List<Object> published = new CopyOnWriteArrayList<>();
  private final InMemoryBudgetCounters counters = new InMemoryBudgetCounters(clock);
  private final Budgets budgets = new Budgets(new MemoryStore(), counters, BudgetsConfig.ofDefaults(), events, clock,
      BudgetsEventsTest::noLedger);
  private final Budget budget = budgets.create(new Budget("budget_1", "monthly", Budget.Scope.KEY, "k", Optional.empty(),
      Optional.empty(), Budget.Period.MONTH, 100 * USD, Budget.DEFAULT_THRESHOLDS, Budget.Action.BLOCK, Optional.empty(),
      clock.instant(), clock.instant()));

  {
    events.subscribe(BudgetThresholdCrossed.class, published::add);
    events.subscribe(BudgetOverspendProjected.class, published::add);
  }

  private void charge(long nanos) {
    Budget.Window w = budget.period().window(clock.instant(), ZoneId.of("UTC"));
    BudgetCounters.Counter after = counters.charge("r", List.of(budget.counterKey(w)), nanos).result().getFirst();
    budgets.charged(budget, w, after, nanos);
  }

  @Test
  void aChargeCrossingTwoThresholds_publishesBoth_andNeverAgain() {
    charge(10 * USD);
    charge(75 * USD);
    charge(1 * USD);

    assertThat(published).filteredOn(BudgetThresholdCrossed.class::isInstance)
        .extracting(e -> ((BudgetThresholdCrossed) e).thresholdPercent()).containsExactly(50, 80);
  }

  @Test
  void spendingTooFast_publishesOneProjectedOverspendPerPeriod() {
    charge(30 * USD); // 30% spent after 6 of 30 days: 150% projected

    List<BudgetOverspendProjected> p = published.stream().filter(BudgetOverspendProjected.class::isInstance)
        .map(BudgetOverspendProjected.class::cast).toList();
    assertThat(p).hasSize(1);
    assertThat(p.getFirst().projectedNanos()).isEqualTo(150 * USD);
    assertThat(p.getFirst().exhaustionAt()).contains(Instant.parse("2026-11-21T00:00:00Z"));
    charge(USD);
    assertThat(published.stream().filter(BudgetOverspendProjected.class::isInstance)).hasSize(1);
  }

  @Test
  void status_reportsSpentReservedRemainingBurnAndExhaustion() {
    charge(12 * USD);
    counters.reserve("open", List.of(new BudgetCounters.Hold(budget.counterKey(
        budget.period().window(clock.instant(), ZoneId.of("UTC"))), 100 * USD)), 3 * USD, 3 * USD, java.time.Duration.ofMinutes(1));

    Budgets.Status s = budgets.status(budget).result();

    assertThat(s.spentNanos()).isEqualTo(12 * USD);
    assertThat(s.reservedNanos()).isEqualTo(3 * USD);
    assertThat(s.remainingNanos()).isEqualTo(85 * USD);
    assertThat(s.burnNanosPerHour()).isEqualTo(12 * USD / (6 * 24)); // 6 days into the month
    assertThat(s.projectedNanos()).contains(60 * USD);
    assertThat(s.exhaustionAt()).isEmpty(); // at this rate it lasts the month
  }
}
