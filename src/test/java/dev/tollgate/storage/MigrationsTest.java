package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.TollgateConfig.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema migration runner, on real DuckDB files. */
class MigrationsTest {
  @TempDir
  Path dir;

  private String url() {
    return StoreConfig.duckDbFile(dir.resolve("tollgate.duckdb")).url();
  }

  private static List<List<Object>> rows(Database db, String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = db.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  private static void execute(Database db, String sql) throws SQLException {
    try (Connection c = db.connection(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Test
  void open_freshFile_appliesEveryScriptAndRecordsIt() throws Exception {
    List<Migrations.Script> scripts = Migrations.forDuckDb().scripts();

    try (Database db = Database.open(url())) {
      assertThat(scripts).extracting(Migrations.Script::version).startsWith(1, 2).isSorted();
      assertThat(rows(db, "SELECT version, name, checksum FROM schema_version ORDER BY version"))
          .containsExactlyElementsOf(scripts.stream().map(sc -> List.<Object>of(sc.version(), sc.name(), sc.checksum())).toList());
      assertThat(rows(db, "SELECT name FROM schema_version WHERE version = 1")).containsExactly(List.of("V001__init.sql"));
      assertThat(rows(db, "SELECT table_name FROM information_schema.tables WHERE table_name IN ('api_keys', 'usage') ORDER BY 1"))
          .containsExactly(List.of("api_keys"), List.of("usage"));
    }
  }

  @Test
  void reopen_sameFile_isANoOpThatKeepsTheData() throws Exception {
    Object appliedAt;
    try (Database db = Database.open(url())) {
      execute(db, "INSERT INTO api_keys (id, name, key_hash, display_hint, role, allowed_models, created_at, expires_at, revoked_at) VALUES ('key_1', 'n', 'h', 'tg-…abcd', 'VIRTUAL', '[]', TIMESTAMP '2026-01-01 00:00:00', NULL, NULL)");
      appliedAt = rows(db, "SELECT applied_at FROM schema_version WHERE version = 1").getFirst().getFirst();
    }

    try (Database db = Database.open(url())) {
      assertThat(rows(db, "SELECT version, applied_at FROM schema_version WHERE version = 1")).containsExactly(List.of(1, appliedAt));
      assertThat(rows(db, "SELECT count(*) FROM schema_version")).containsExactly(List.of((long) Migrations.forDuckDb().scripts().size()));
      assertThat(rows(db, "SELECT id FROM api_keys")).containsExactly(List.of("key_1"));
    }
  }

  @Test
  void open_afterAnAppliedScriptChanged_failsNamingTheScript() throws Exception {
    try (Database db = Database.open(url())) {
      execute(db, "UPDATE schema_version SET checksum = 'edited' WHERE version = 1");
    }

    assertThatThrownBy(() -> Database.open(url()))
        .hasMessageContaining("V001__init.sql").hasMessageContaining("changed after it was applied");
    // After the failed start, repairing the row by hand and opening again works.
    try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
      st.execute("UPDATE schema_version SET checksum = '" + Migrations.forDuckDb().scripts().getFirst().checksum() + "' WHERE version = 1");
    }
    try (Database db = Database.open(url())) {
      assertThat(db.ping()).isTrue();
    }
  }

  @Test
  void statements_splitsOnSemicolonsAtLineEndsAndDropsComments() {
    String sql = """
        -- a comment; with a semicolon
        CREATE TABLE a (
          x INTEGER -- trailing; comment kept inside the statement
        );
        CREATE TABLE b (y VARCHAR DEFAULT 'a;b');
        """;

    assertThat(Migrations.statements(sql)).containsExactly(
        "CREATE TABLE a (\n  x INTEGER -- trailing; comment kept inside the statement\n);",
        "CREATE TABLE b (y VARCHAR DEFAULT 'a;b');");
  }

  @Test
  void open_createsMissingParentDirectories() {
    String nested = StoreConfig.duckDbFile(dir.resolve("a/b/c/tollgate.duckdb")).url();

    try (Database db = Database.open(nested)) {
      assertThat(db.ping()).isTrue();
    }
    assertThat(dir.resolve("a/b/c/tollgate.duckdb")).exists();
  }
}
