package dev.tollgate.storage;

import dev.tollgate.budgets.BudgetStore;
import dev.tollgate.budgets.BudgetStoreContract;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import dev.tollgate.usage.UsageRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The budget-store contract on a real DuckDB file, spend summed from the real usage table. */
class DuckDbBudgetStoreTest extends BudgetStoreContract {
  @TempDir Path dir;
  Database db;
  BudgetStore store;
  DuckDbUsageStore usage;

  @BeforeEach
  void open() {
    db = Database.open(StoreConfig.duckDbFile(dir.resolve("budgets.duckdb")).url());
    store = new DuckDbBudgetStore(db);
    usage = new DuckDbUsageStore(db);
  }

  @AfterEach
  void close() {
    usage.close();
    db.close();
  }

  @Override
  protected BudgetStore store() {
    return store;
  }

  @Override
  protected void ledger(List<UsageRecord> rows) {
    usage.append(rows);
  }
}
