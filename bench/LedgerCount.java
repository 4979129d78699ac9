// Counts Tollgate's usage ledger rows in a DuckDB file, after the gateway has stopped (DuckDB allows one
// writer process). Used by bench/run.sh to check that every request the benchmark sent left a row.
//   java -cp 'target/lib/*' bench/LedgerCount.java /path/to/tollgate.duckdb
// Prints: LEDGER rows=N ok=N stream=N errors=N
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

public class LedgerCount {
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java -cp 'target/lib/*' bench/LedgerCount.java FILE.duckdb");
      System.exit(1);
    }
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[0], p);
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE status = 200), "
             + "count(*) FILTER (WHERE stream), count(*) FILTER (WHERE status <> 200) FROM usage")) {
      rs.next();
      System.out.printf("LEDGER rows=%d ok=%d stream=%d errors=%d%n", rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
    }
  }
}
