package dev.tollgate.bench;

import dev.tollgate.storage.PostgresDatabase;
import dev.tollgate.storage.PostgresUsageRollup;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * Loads a generated DuckDB ledger ({@code bench/generate-ledger.sh}) into an empty PostgreSQL database, so the
 * PostgreSQL analytics benchmark reads exactly the rows the DuckDB one reads. Not a test; run through
 * {@code bench/analytics.sh --postgres}.
 *
 * <p>Steps: the migrations run (on the empty database, through {@link PostgresDatabase#open}); DuckDB writes the
 * ledger's {@code usage} columns to a CSV file; the ledger's indexes are dropped, the CSV is COPY'd in and the
 * indexes are built again (faster than maintaining them row by row); the rollups are rebuilt with V031–V033's
 * backfill statements ({@link PostgresUsageRollup#rebuild}, what the migration runs on an existing ledger); then
 * VACUUM ANALYZE. Each step's time and the table sizes are written to {@code out} as Markdown.
 *
 * <p>Arguments: {@code ledger.duckdb jdbc:postgresql://... work-dir out.md}.
 */
public final class PostgresLedgerLoad {
  private PostgresLedgerLoad() {}

  public static void main(String[] args) throws Exception {
    Path ledger = Path.of(args[0]);
    String url = args[1];
    Path csv = Path.of(args[2]).resolve("usage.csv");
    Path out = Path.of(args[3]);
    List<String> facts = new ArrayList<>();
    long t0 = System.nanoTime();
    try (PostgresDatabase db = PostgresDatabase.open(url)) {
      facts.add(step("migrations V001–V033 on the empty database", t0));
      List<String> columns = new ArrayList<>();
      try (Connection c = db.connection(); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
               + " AND table_name = 'usage' ORDER BY ordinal_position")) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
      String list = String.join(", ", columns);

      long t1 = System.nanoTime();
      Properties readOnly = new Properties();
      readOnly.setProperty("duckdb.read_only", "true");
      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + ledger.toAbsolutePath(), readOnly);
           Statement st = duck.createStatement()) {
        // DuckDB's TIMESTAMP is UTC without a zone; the PostgreSQL session below reads it as UTC
        st.execute("COPY (SELECT " + list + " FROM usage) TO '" + csv + "' (FORMAT csv, HEADER false, NULLSTR '\\N')");
      }
      facts.add(step(String.format(Locale.ROOT, "DuckDB writes the ledger as CSV (%,d bytes)", Files.size(csv)), t1));

      try (Connection c = db.connection(); Statement st = c.createStatement()) {
        st.execute("SET TIME ZONE 'UTC'");
        st.execute("SET maintenance_work_mem = '512MB'");
        List<String[]> indexes = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            + " AND tablename = 'usage'")) {
          while (rs.next()) {
            indexes.add(new String[] {rs.getString(1), rs.getString(2)});
          }
        }
        for (String[] index : indexes) {
          st.execute("DROP INDEX " + index[0]);
        }
        long t2 = System.nanoTime();
        long rows;
        try (InputStream in = Files.newInputStream(csv)) {
          rows = c.unwrap(PGConnection.class).getCopyAPI()
              .copyIn("COPY usage (" + list + ") FROM STDIN WITH (FORMAT csv, NULL '\\N')", in);
        }
        facts.add(step(String.format(Locale.ROOT, "COPY %,d rows into usage (no indexes)", rows), t2));
        long t3 = System.nanoTime();
        for (String[] index : indexes) {
          st.execute(index[1]);
        }
        facts.add(step(indexes.size() + " ledger indexes built", t3));
      }
      Files.delete(csv);

      long t4 = System.nanoTime();
      PostgresUsageRollup.rebuild(db);
      facts.add(step("rollups rebuilt from the ledger (V031–V033 run again: create, backfill, build the keys, as the migration does)", t4));

      long t5 = System.nanoTime();
      try (Connection c = db.connection(); Statement st = c.createStatement()) {
        st.execute("VACUUM ANALYZE");
        facts.add(step("VACUUM ANALYZE", t5));
        facts.add("");
        facts.add("| table | rows | size (table + indexes) |");
        facts.add("|---|---:|---:|");
        for (String table : List.of("usage", "usage_hourly", "usage_user_daily", "usage_latency_hourly", "usage_latency_daily")) {
          try (ResultSet rs = st.executeQuery("SELECT count(*), pg_size_pretty(pg_total_relation_size('" + table + "')) FROM " + table)) {
            rs.next();
            facts.add(String.format(Locale.ROOT, "| `%s` | %,d | %s |", table, rs.getLong(1), rs.getString(2)));
          }
        }
      }
    }
    facts.forEach(System.out::println);
    Files.writeString(out, String.join("\n", facts) + "\n");
  }

  private static String step(String what, long since) {
    return String.format(Locale.ROOT, "- %s: %.1f s", what, (System.nanoTime() - since) / 1e9);
  }
}
