package dev.tollgate.storage;

import dev.tollgate.budgets.Budget;
import dev.tollgate.budgets.BudgetJson;
import dev.tollgate.budgets.BudgetStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
  private final PostgresDatabase db;
  private final SpecTable<Budget> table;

  public PostgresBudgetStore(PostgresDatabase db) {
    this.db = db;
    this.table = new SpecTable<>(db, "budgets", "budget", BudgetJson::fromStored);
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
    String where = switch (scope) {
      case ORG -> "org_id = ?";
      case PROJECT -> "project_id = ?";
      case KEY -> "key_id = ?";
      case USER -> "user_id = ?";
      case TAG -> "tags @> jsonb_build_array(CAST(? AS text))";
    };
    // SUM(bigint) is numeric in PostgreSQL: exact, converted back to a long (nano-USD) here
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(cost_nanos), 0) FROM usage WHERE started_at >= ? AND started_at < ? AND " + where)) {
      PostgresDatabase.setInstant(ps, 1, from);
      PostgresDatabase.setInstant(ps, 2, to);
      ps.setString(3, value);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBigDecimal(1).longValueExact();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot sum the ledger for " + scope.wire() + " " + value + ": " + e.getMessage(), e);
    } catch (ArithmeticException e) {
      throw new StoreException("the spend of " + scope.wire() + " " + value + " does not fit in nano-USD as a long", e);
    }
  }
}
