package dev.tollgate.storage;

import dev.tollgate.budgets.BudgetStore;
import dev.tollgate.budgets.BudgetStoreContract;
import dev.tollgate.testing.RequiresPostgres;
import dev.tollgate.usage.UsageRecord;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The budget-store contract on a real PostgreSQL (a fresh schema for this class), spend summed from the real ledger. */
@RequiresPostgres
class PostgresBudgetStoreTest extends BudgetStoreContract {
  static PostgresStores pg;
  static PostgresUsageStore usage;

  @BeforeAll
  static void open() {
    pg = new PostgresStores();
    usage = new PostgresUsageStore(pg.db);
  }

  @AfterAll
  static void close() {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void empty() {
    pg.truncateAll();
  }

  @Override
  protected BudgetStore store() {
    return new PostgresBudgetStore(pg.db);
  }

  @Override
  protected void ledger(List<UsageRecord> rows) {
    usage.append(rows);
  }
}
