package dev.tollgate.storage;

import dev.tollgate.budgets.BudgetJson;
import dev.tollgate.budgets.BudgetStore;

/** {@link BudgetStore} on DuckDB. */
public final class DuckDbBudgetStore extends JdbcBudgetStore {
  public DuckDbBudgetStore(Database db) {
    super(new SpecTable<>(db, "budgets", "budget", BudgetJson::fromStored), new JdbcBudgetLedger(db::connection, SqlTime.DUCKDB,
        "list_contains(CAST(json_extract_string(tags, '$[*]') AS VARCHAR[]), ?)", "contains(flags, 'UNPRICED')"));
  }
}
