package dev.tollgate.storage;

import dev.tollgate.analytics.AnalyticsStore;
import dev.tollgate.analytics.AnalyticsStoreContract;
import dev.tollgate.testing.RequiresPostgres;
import dev.tollgate.usage.UsageRecord;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterEach;

/** The analytics-store contract on a real PostgreSQL (a fresh schema for this class), rows written by the real ledger store. */
@RequiresPostgres
class PostgresAnalyticsStoreTest extends AnalyticsStoreContract {
  static PostgresStores pg;
  static PostgresUsageStore usage;

  @BeforeAll
  static void open() {
    pg = new PostgresStores();
    usage = new PostgresUsageStore(pg.db);
  }

  @AfterAll
  static void close() {
    if (pg != null) {
      pg.close();
    }
  }

  /** After, not before: the contract seeds the ledger in its own @BeforeEach, which runs before a subclass's. */
  @AfterEach
  void empty() {
    pg.truncateAll();
  }

  @Override
  protected AnalyticsStore store() {
    return new PostgresAnalyticsStore(pg.db);
  }

  @Override
  protected void append(List<UsageRecord> rows) {
    usage.append(rows);
  }

  /** This store reads the raw ledger only, so it is its own reference. */
  @Override
  protected AnalyticsStore rawStore() {
    return store();
  }

  @Override
  protected int replay(List<UsageRecord> rows) {
    return usage.appendIfAbsent(rows);
  }
}
