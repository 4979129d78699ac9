package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testing.PostgresSchema;
import dev.tollgate.testing.RequiresPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The migration runner on a real PostgreSQL: same bookkeeping as DuckDB, safe when replicas start together. */
@RequiresPostgres
class PostgresMigrationsTest {
  private static List<List<Object>> rows(PostgresSchema schema, String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = schema.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
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

  @Test
  void scripts_mirrorTheDuckDbVersions() {
    assertThat(Migrations.forPostgres().scripts()).extracting(Migrations.Script::name)
        .containsExactly("V001__init.sql", "V002__price_overrides.sql", "V003__usage_price_version.sql", "V004__usage_attribution.sql",
            "V010__tenancy.sql", "V011__audit_log.sql", "V020__budgets_alerts.sql", "V030__spend_anomalies.sql",
            "V031__usage_rollups.sql", "V032__usage_latency_daily.sql", "V033__usage_user_daily.sql", "V034__deployment_overrides.sql");
    assertThat(Migrations.forPostgres().scripts()).extracting(Migrations.Script::name)
        .as("every DuckDB migration has its PostgreSQL twin, same version and name")
        .containsExactlyElementsOf(Migrations.forDuckDb().scripts().stream().map(Migrations.Script::name).toList());
  }

  @Test
  void threeReplicasStartingAtOnce_applyEachScriptExactlyOnce() throws Exception {
    try (PostgresSchema schema = PostgresSchema.create()) {
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<PostgresDatabase>> opened = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          opened.add(pool.submit((Callable<PostgresDatabase>) () -> PostgresDatabase.open(schema.url())));
        }
        for (Future<PostgresDatabase> f : opened) {
          f.get().close();
        }
      } finally {
        pool.shutdown();
      }

      List<Migrations.Script> scripts = Migrations.forPostgres().scripts();
      assertThat(rows(schema, "SELECT version, name, checksum FROM schema_version ORDER BY version"))
          .containsExactlyElementsOf(scripts.stream().map(s -> List.<Object>of(s.version(), s.name(), s.checksum())).toList());
      assertThat(rows(schema, "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + schema.name()
          + "' AND table_name IN ('api_keys', 'usage', 'price_overrides', 'usage_hourly', 'usage_latency_hourly', 'usage_latency_daily', 'usage_user_daily', 'orgs', 'projects', "
          + "'users', 'memberships', 'signing_keys', 'revoked_tokens', 'audit_log', 'budgets', 'rate_limit_rules', 'alert_rules', "
          + "'alert_events', 'alert_deliveries', 'spend_anomalies')"))
          .containsExactly(List.of(20L));
    }
  }

  @Test
  void reopen_isANoOp_andAChangedScriptStopsTheStart() throws Exception {
    try (PostgresSchema schema = PostgresSchema.create()) {
      PostgresDatabase.open(schema.url()).close();
      try (Connection c = schema.connect(); Statement st = c.createStatement()) {
        st.execute("INSERT INTO api_keys VALUES ('key_1', 'n', 'h', 'tg-…abcd', 'VIRTUAL', '[]', now(), NULL, NULL)");
      }
      PostgresDatabase.open(schema.url()).close();
      assertThat(rows(schema, "SELECT id FROM api_keys")).containsExactly(List.of("key_1"));

      try (Connection c = schema.connect(); Statement st = c.createStatement()) {
        st.execute("UPDATE schema_version SET checksum = 'edited' WHERE version = 2");
      }
      assertThatThrownBy(() -> PostgresDatabase.open(schema.url()))
          .hasMessageContaining("V002__price_overrides.sql").hasMessageContaining("changed after it was applied");
    }
  }
}
