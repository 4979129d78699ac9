package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.alerts.AlertEvent;
import dev.tollgate.alerts.AlertRule;
import dev.tollgate.alerts.AlertStore;
import dev.tollgate.alerts.AlertStoreContract;
import dev.tollgate.common.Json;
import dev.tollgate.testing.RequiresPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alert-store contract on a real PostgreSQL (a fresh schema for this class), plus the race DuckDB cannot
 * have: replicas (here: separate stores on separate connections) firing the same alert at the same moment.
 */
@RequiresPostgres
class PostgresAlertStoreTest extends AlertStoreContract {
  static PostgresStores pg;

  @BeforeAll
  static void open() {
    pg = new PostgresStores();
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
  protected AlertStore store() {
    return new PostgresAlertStore(pg.db);
  }

  @Test
  void replicasFiringTheSameAlertAtOnce_storeItOnce_andExactlyOneReportsItNew() throws Exception {
    Instant at = Instant.parse("2026-11-22T10:00:00Z");
    int replicas = 6;
    CyclicBarrier start = new CyclicBarrier(replicas);
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    try {
      List<Future<Boolean>> fired = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        String id = "alert_r" + i;
        fired.add(pool.submit((Callable<Boolean>) () -> {
          AlertStore replica = new PostgresAlertStore(pg.db);
          start.await();
          return replica.insertEventIfNew(new AlertEvent(id, "arule_1", AlertRule.Type.BUDGET_THRESHOLD,
              "arule_1|budget_1|2026-11|80", "warning", "80% of budget_1", Json.object().put("threshold_percent", 80),
              Optional.of("org_1"), Optional.empty(), at));
        }));
      }
      int news = 0;
      for (Future<Boolean> f : fired) {
        news += f.get() ? 1 : 0;
      }
      assertThat(news).isEqualTo(1);
    } finally {
      pool.shutdown();
    }
    assertThat(store().events(Optional.empty(), Optional.empty(), 100)).hasSize(1);
  }
}
