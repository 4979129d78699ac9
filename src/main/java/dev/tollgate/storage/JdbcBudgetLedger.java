package dev.tollgate.storage;

import dev.tollgate.budgets.Budget;
import dev.tollgate.budgets.UnpricedRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The ledger reads budgets restore from, written once for DuckDB and PostgreSQL: the sum of a scope's cost in
 * a period, and its unpriced rows. The backends differ in timestamp binding, the tag test and the flag test.
 */
final class JdbcBudgetLedger {
  private final Supplier<Connection> connections;
  private final SqlTime time;
  private final String tagContains;
  private final String unpricedFlag;

  /**
   * @param tagContains the SQL true when the row's tags hold the bound parameter
   * @param unpricedFlag the SQL true when the row's flags hold UNPRICED
   */
  JdbcBudgetLedger(Supplier<Connection> connections, SqlTime time, String tagContains, String unpricedFlag) {
    this.connections = connections;
    this.time = time;
    this.tagContains = tagContains;
    this.unpricedFlag = unpricedFlag;
  }

  private String where(Budget.Scope scope) {
    return "started_at >= ? AND started_at < ? AND " + switch (scope) {
      case ORG -> "org_id = ?";
      case PROJECT -> "project_id = ?";
      case KEY -> "key_id = ?";
      case USER -> "user_id = ?";
      case TAG -> tagContains;
    };
  }

  private void bind(PreparedStatement ps, String value, Instant from, Instant to) throws SQLException {
    time.set(ps, 1, from);
    time.set(ps, 2, to);
    ps.setString(3, value);
  }

  long spent(Budget.Scope scope, String value, Instant from, Instant to) {
    // SUM(bigint) is numeric on PostgreSQL and HUGEINT on DuckDB: exact, converted back to a long (nano-USD) here
    try (Connection c = connections.get();
         PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(cost_nanos), 0) FROM usage WHERE " + where(scope))) {
      bind(ps, value, from, to);
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

  List<UnpricedRow> unpriced(Budget.Scope scope, String value, Instant from, Instant to) {
    try (Connection c = connections.get();
         PreparedStatement ps = c.prepareStatement("SELECT provider, model_served, started_at, " + JdbcUsageReads.TOKEN_COLUMNS
             + " FROM usage WHERE " + where(scope) + " AND " + unpricedFlag)) {
      bind(ps, value, from, to);
      List<UnpricedRow> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new UnpricedRow(rs.getString(1), rs.getString(2), time.get(rs, "started_at"), JdbcUsageReads.tokenUsage(rs)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the unpriced rows of " + scope.wire() + " " + value + ": " + e.getMessage(), e);
    }
  }
}
