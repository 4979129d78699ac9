package dev.tollgate.storage;

import dev.tollgate.audit.AuditStore;
import dev.tollgate.audit.AuditStoreContract;
import dev.tollgate.testing.RequiresPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The audit-store contract on a real PostgreSQL (a fresh schema for this class). */
@RequiresPostgres
class PostgresAuditStoreTest extends AuditStoreContract {
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
  protected AuditStore store() {
    return new PostgresAuditStore(pg.db);
  }
}
