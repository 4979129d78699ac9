package dev.tollgate.storage;

import dev.tollgate.budgets.Budget;
import dev.tollgate.budgets.BudgetJson;
import dev.tollgate.budgets.BudgetStore;
import dev.tollgate.budgets.UnpricedRow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link BudgetStore} on DuckDB; spend is summed from the usage ledger. */
public final class DuckDbBudgetStore implements BudgetStore {
  private final SpecTable<Budget> table;
  private final JdbcBudgetLedger ledger;

  public DuckDbBudgetStore(Database db) {
    this.table = new SpecTable<>(db, "budgets", "budget", BudgetJson::fromStored);
    this.ledger = new JdbcBudgetLedger(db::connection, SqlTime.DUCKDB,
        "list_contains(CAST(json_extract_string(tags, '$[*]') AS VARCHAR[]), ?)", "contains(flags, 'UNPRICED')");
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
