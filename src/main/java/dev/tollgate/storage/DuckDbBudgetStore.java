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

/** {@link BudgetStore} on DuckDB; spend is summed from the usage ledger. */
public final class DuckDbBudgetStore implements BudgetStore {
  private final Database db;
  private final SpecTable<Budget> table;

  public DuckDbBudgetStore(Database db) {
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
      case TAG -> "list_contains(CAST(json_extract_string(tags, '$[*]') AS VARCHAR[]), ?)";
    };
    try (Connection c = db.connection();
         PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(cost_nanos), 0) FROM usage WHERE started_at >= ? AND started_at < ? AND " + where)) {
      Jdbc.setInstant(ps, 1, from);
      Jdbc.setInstant(ps, 2, to);
      ps.setString(3, value);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot sum the ledger for " + scope.wire() + " " + value + ": " + e.getMessage(), e);
    }
  }
}
