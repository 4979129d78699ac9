package dev.tollgate.budgets;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where budgets are kept. Implementations live in {@code dev.tollgate.storage}. */
public interface BudgetStore {
  void insert(Budget budget);

  /** Replaces the stored budget with the same id; false when there is none. */
  boolean update(Budget budget);

  boolean delete(String id);

  Optional<Budget> find(String id);

  List<Budget> all();

  /**
   * What the ledger says was spent under a budget's scope in [from, to), nano-USD: restores the counters
   * after a restart so a restart does not reset budgets.
   */
  long spent(Budget.Scope scope, String scopeValue, Instant from, Instant to);

  /** The rows under the same scope and range whose model had no price: {@link #spent} counts them at 0. */
  List<UnpricedRow> unpriced(Budget.Scope scope, String scopeValue, Instant from, Instant to);
}
