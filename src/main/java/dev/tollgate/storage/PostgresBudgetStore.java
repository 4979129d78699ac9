package dev.tollgate.storage;

import dev.tollgate.budgets.Budget;
import dev.tollgate.budgets.BudgetJson;
import dev.tollgate.budgets.BudgetStore;
import dev.tollgate.budgets.UnpricedRow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link BudgetStore} on PostgreSQL. Spend is summed from the raw ledger, like DuckDB: a budget's window
 * starts at any instant (a period start in the budget's own terms) and the rollups are bucketed by hour, so
 * only the raw rows answer exactly. Every scope has an index whose leading column is the scope and whose
 * second is {@code started_at}; a tag uses the GIN index on {@code tags} ({@code @>}, exact element match).
 */
public final class PostgresBudgetStore implements BudgetStore {
  private final SpecTable<Budget> table;
  private final JdbcBudgetLedger ledger;

  public PostgresBudgetStore(PostgresDatabase db) {
    this.table = new SpecTable<>(db, "budgets", "budget", BudgetJson::fromStored);
    this.ledger = new JdbcBudgetLedger(db::connection, SqlTime.POSTGRES, "tags @> jsonb_build_array(CAST(? AS text))",
        "strpos(flags, 'UNPRICED') > 0");
  }

  @Override
  public void insert(Budget b) {
    table.insert(b.id(), b.orgId(), b.projectId(), BudgetJson.render(b), b.createdAt());
  }

  @Override
  public boolean update(Budget b) {
    return table.update(b.id(), BudgetJson.render(b));
  }

  @Override
  public boolean delete(String id) {
    return table.delete(id);
  }

  @Override
  public Optional<Budget> find(String id) {
    return table.find(id);
  }

  @Override
  public List<Budget> all() {
    return table.all();
  }

  @Override
  public long spent(Budget.Scope scope, String value, Instant from, Instant to) {
    return ledger.spent(scope, value, from, to);
  }

  @Override
  public List<UnpricedRow> unpriced(Budget.Scope scope, String value, Instant from, Instant to) {
    return ledger.unpriced(scope, value, from, to);
  }
}
