package dev.tollgate.storage;

import dev.tollgate.budgets.BudgetJson;
import dev.tollgate.budgets.BudgetStore;

/**
 * {@link BudgetStore} on PostgreSQL. Every scope has a ledger index whose leading column is the scope and whose
 * second is {@code started_at}; a tag uses the GIN index on {@code tags} ({@code @>}, exact element match).
 */
public final class PostgresBudgetStore extends JdbcBudgetStore {
  public PostgresBudgetStore(PostgresDatabase db) {
    super(new SpecTable<>(db, "budgets", "budget", BudgetJson::fromStored), new JdbcBudgetLedger(db::connection, SqlTime.POSTGRES,
        "tags @> jsonb_build_array(CAST(? AS text))", "strpos(flags, 'UNPRICED') > 0"));
  }
}
