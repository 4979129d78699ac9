package dev.tollgate.storage;

import dev.tollgate.alerts.AlertStore;
import dev.tollgate.analytics.AnalyticsStore;
import dev.tollgate.analytics.AnomalyStore;
import dev.tollgate.audit.AuditStore;
import dev.tollgate.budgets.BudgetStore;
import dev.tollgate.ratelimit.RateLimitRuleStore;
import dev.tollgate.routing.DeploymentOverrideStore;
import dev.tollgate.tenancy.TenancyStore;
import dev.tollgate.auth.KeyStore;
import dev.tollgate.pricing.PriceOverrideStore;
import dev.tollgate.usage.UsageStore;

/**
 * The system of record chosen by {@code store.url}: {@code jdbc:duckdb:} opens the embedded DuckDB file,
 * {@code jdbc:postgresql:} the cluster's PostgreSQL. Each feature's store comes from here, so wiring is the
 * same in both modes. A new store is one method here and one line in each implementation.
 */
public sealed interface Backend extends AutoCloseable permits Backend.Embedded, Backend.Postgres {
  KeyStore keys();

  /** The ledger store; one instance per backend (it may keep a writer connection). */
  UsageStore usage();

  PriceOverrideStore priceOverrides();

  /** Runtime changes to configured deployments (enabled, weight). */
  DeploymentOverrideStore deploymentOverrides();

  /** Orgs, projects, users, memberships, sessions and signing keys. */
  TenancyStore tenancy();

  AuditStore audit();

  BudgetStore budgets();

  RateLimitRuleStore rateLimitRules();

  AlertStore alerts();

  /** Cost analytics over the ledger. */
  AnalyticsStore analytics();

  AnomalyStore anomalies();

  /** The URL without credentials, for logs. */
  String displayUrl();

  /** A cheap round trip. Blocking: call it off the event loop. */
  boolean ping();

  @Override
  void close();

  static Backend open(String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      return new Postgres(PostgresDatabase.open(url));
    }
    if (url.startsWith("jdbc:duckdb:")) {
      return new Embedded(Database.open(url));
    }
    throw new IllegalArgumentException("store.url: '" + PostgresDatabase.redact(url)
        + "' (expected: a jdbc:duckdb: or jdbc:postgresql: URL)");
  }

  /** Embedded mode: one DuckDB file. */
  final class Embedded implements Backend {
    private final Database db;
    private final DuckDbUsageStore usage;

    public Embedded(Database db) {
      this.db = db;
      this.usage = new DuckDbUsageStore(db);
    }

    public Database database() {
      return db;
    }

    @Override
    public KeyStore keys() {
      return new DuckDbKeyStore(db);
    }

    @Override
    public UsageStore usage() {
      return usage;
    }

    @Override
    public PriceOverrideStore priceOverrides() {
      return new DuckDbPriceOverrideStore(db);
    }

    @Override
    public DeploymentOverrideStore deploymentOverrides() {
      return new JdbcDeploymentOverrideStore(db::connection, SqlTime.DUCKDB);
    }

    @Override
    public TenancyStore tenancy() {
      return new DuckDbTenancyStore(db);
    }

    @Override
    public AuditStore audit() {
      return new DuckDbAuditStore(db);
    }

    @Override
    public BudgetStore budgets() {
      return new DuckDbBudgetStore(db);
    }

    @Override
    public RateLimitRuleStore rateLimitRules() {
      return new DuckDbRateLimitRuleStore(db);
    }

    @Override
    public AlertStore alerts() {
      return new DuckDbAlertStore(db);
    }

    @Override
    public AnalyticsStore analytics() {
      return new DuckDbAnalyticsStore(db);
    }

    @Override
    public AnomalyStore anomalies() {
      return new DuckDbAnomalyStore(db);
    }

    @Override
    public String displayUrl() {
      return db.url();
    }

    @Override
    public boolean ping() {
      return db.ping();
    }

    @Override
    public void close() {
      db.close();
    }
  }

  /** Cluster mode: PostgreSQL shared by every replica. */
  final class Postgres implements Backend {
    private final PostgresDatabase db;
    private final PostgresUsageStore usage;

    public Postgres(PostgresDatabase db) {
      this.db = db;
      this.usage = new PostgresUsageStore(db);
    }

    public PostgresDatabase database() {
      return db;
    }

    @Override
    public KeyStore keys() {
      return new PostgresKeyStore(db);
    }

    @Override
    public UsageStore usage() {
      return usage;
    }

    @Override
    public PriceOverrideStore priceOverrides() {
      return new PostgresPriceOverrideStore(db);
    }

    @Override
    public DeploymentOverrideStore deploymentOverrides() {
      return new JdbcDeploymentOverrideStore(db::connection, SqlTime.POSTGRES);
    }

    @Override
    public TenancyStore tenancy() {
      return new PostgresTenancyStore(db);
    }

    @Override
    public AuditStore audit() {
      return new PostgresAuditStore(db);
    }

    @Override
    public BudgetStore budgets() {
      return new PostgresBudgetStore(db);
    }

    @Override
    public RateLimitRuleStore rateLimitRules() {
      return new PostgresRateLimitRuleStore(db);
    }

    @Override
    public AlertStore alerts() {
      return new PostgresAlertStore(db);
    }

    @Override
    public AnalyticsStore analytics() {
      return new PostgresAnalyticsStore(db);
    }

    @Override
    public AnomalyStore anomalies() {
      return new PostgresAnomalyStore(db);
    }

    @Override
    public String displayUrl() {
      return db.url();
    }

    @Override
    public boolean ping() {
      return db.ping();
    }

    @Override
    public void close() {
      db.close();
    }
  }
}
