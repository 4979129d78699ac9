package dev.tollgate.storage;

import dev.tollgate.budgets.Budget;
import dev.tollgate.budgets.BudgetJson;
import dev.tollgate.budgets.BudgetStore;
import dev.tollgate.budgets.UnpricedRow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link BudgetStore} for DuckDB and PostgreSQL: budgets over a {@link SpecTable}, spend summed from the raw
 * ledger ({@link JdbcBudgetLedger}). A budget's window starts at any instant (a period start in the budget's
 * own terms) and the rollups are bucketed by hour, so only the raw rows answer exactly.
 */
abstract class JdbcBudgetStore implements BudgetStore {
  private final SpecTable<Budget> table;
  private final JdbcBudgetLedger ledger;

  JdbcBudgetStore(SpecTable<Budget> table, JdbcBudgetLedger ledger) {
    this.table = table;
    this.ledger = ledger;
  }

  @Override
  public final void insert(Budget b) {
    table.insert(b.id(), b.orgId(), b.projectId(), BudgetJson.render(b), b.createdAt());
  }

  @Override
  public final boolean update(Budget b) {
    return table.update(b.id(), BudgetJson.render(b));
  }

  @Override
  public final boolean delete(String id) {
    return table.delete(id);
  }

  @Override
  public final Optional<Budget> find(String id) {
    return table.find(id);
  }

  @Override
  public final List<Budget> all() {
    return table.all();
  }

  @Override
  public final long spent(Budget.Scope scope, String value, Instant from, Instant to) {
    return ledger.spent(scope, value, from, to);
  }

  @Override
  public final List<UnpricedRow> unpriced(Budget.Scope scope, String value, Instant from, Instant to) {
    return ledger.unpriced(scope, value, from, to);
  }
}
