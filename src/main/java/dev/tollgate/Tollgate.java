package dev.tollgate;

import static java.util.Objects.requireNonNull;

import dev.tollgate.alerts.AlertRoutes;
import dev.tollgate.alerts.Alerts;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.audit.AuditRoutes;
import dev.tollgate.auth.ApiKey;
import dev.tollgate.analytics.AnalyticsRoutes;
import dev.tollgate.analytics.AnomalyDetector;
import dev.tollgate.analytics.AnalyticsStore;
import dev.tollgate.analytics.AnomalyStore;
import dev.tollgate.analytics.CostAnalytics;
import dev.tollgate.auth.KeyRoutes;
import dev.tollgate.auth.Ownership;
import dev.tollgate.budgets.AdmissionControl;
import dev.tollgate.budgets.BudgetRoutes;
import dev.tollgate.budgets.Budgets;
import dev.tollgate.budgets.InMemoryBudgetCounters;
import dev.tollgate.gateway.Admission;
import dev.tollgate.ratelimit.InMemoryRateLimitCounters;
import dev.tollgate.ratelimit.RateLimitRoutes;
import dev.tollgate.ratelimit.RateLimits;
import dev.tollgate.storage.DuckDbAlertStore;
import dev.tollgate.storage.DuckDbBudgetStore;
import dev.tollgate.storage.DuckDbRateLimitRuleStore;
import dev.tollgate.auth.KeyService;
import dev.tollgate.cluster.Invalidation;
import dev.tollgate.cluster.Redis;
import dev.tollgate.cluster.RedisBudgetCounters;
import dev.tollgate.cluster.RedisRateLimitCounters;
import dev.tollgate.cluster.RedisResponseCache;
import dev.tollgate.budgets.BudgetCounters;
import dev.tollgate.ratelimit.RateLimitCounters;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.EventBus;
import dev.tollgate.common.Tokenizer;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.audit.Audit;
import dev.tollgate.cache.CaffeineResponseCache;
import dev.tollgate.cache.ResponseCache;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.gateway.Admission;
import dev.tollgate.gateway.GatewayRoutes;
import dev.tollgate.gateway.Resilience;
import dev.tollgate.pricing.Cost;
import dev.tollgate.pricing.CostContext;
import dev.tollgate.pricing.ServiceTier;
import dev.tollgate.routing.DeploymentOverrides;
import dev.tollgate.routing.DeploymentRoutes;
import dev.tollgate.routing.Deployments;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.usage.TokenUsage;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import dev.tollgate.gateway.Metering;
import dev.tollgate.gateway.MessagesRoutes;
import dev.tollgate.gateway.ModelCatalog;
import dev.tollgate.metrics.Metrics;
import dev.tollgate.metrics.MetricsRoutes;
import dev.tollgate.pricing.PriceCatalog;
import dev.tollgate.pricing.PriceRoutes;
import dev.tollgate.pricing.Pricing;
import dev.tollgate.pricing.UnpricedLog;
import dev.tollgate.pricing.UnpricedUsage;
import dev.tollgate.providers.AnthropicProvider;
import dev.tollgate.providers.AzureProvider;
import dev.tollgate.providers.GeminiProvider;
import dev.tollgate.providers.KnownProviders;
import dev.tollgate.providers.MockProvider;
import dev.tollgate.providers.OpenAiCompatibleProvider;
import dev.tollgate.providers.ProviderClient;
import dev.tollgate.storage.Backend;
import dev.tollgate.tenancy.AuthRoutes;
import dev.tollgate.tenancy.LoginThrottle;
import dev.tollgate.tenancy.PasswordHasher;
import dev.tollgate.tenancy.Sessions;
import dev.tollgate.tenancy.TenancyRoutes;
import dev.tollgate.tenancy.TenancyService;
import dev.tollgate.tenancy.TenancyStore;
import dev.tollgate.tenancy.User;
import dev.tollgate.usage.UsageRoutes;
import dev.tollgate.usage.UsageStore;
import dev.tollgate.usage.UsageWriter;
import dev.tollgate.web.AccessLog;
import dev.tollgate.web.AdminGuard;
import dev.tollgate.web.HealthRoutes;
import dev.tollgate.web.HttpRoutes;
import dev.tollgate.web.OpenApi;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole gateway, wired by hand in one place. {@link #start} opens the store, loads keys, starts the
 * usage writer and deploys one HTTP verticle per event loop; {@link #routes} builds one verticle's
 * router and is what the tests reuse.
 */
public final class Tollgate implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Tollgate.class);
  public static final String VERSION = "0.1.0";

  private final TollgateConfig config;
  private final Vertx vertx;
  private final Backend db;
  private final KeyService keys;
  private final UsageStore usageStore;
  private final UsageWriter usageWriter;
  private final Optional<String> generatedMasterKey;
  private final Alerts alerts;
  private final Budgets budgets;
  private final Optional<Redis> redis;
  private final Optional<Invalidation> invalidation;
  private AnomalyDetector anomalyDetector;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Services services;
  private volatile int port;

  /** Everything the routes need; shared by all verticles. */
  public record Services(TollgateConfig config, KeyService keys, ModelCatalog catalog, UsageStore usageStore,
                         UsageWriter usageWriter, Pricing pricing, EventBus events, Metrics metrics, Clock clock,
                         AtomicBoolean started, Deployments deployments, DeploymentOverrides deploymentOverrides,
                         ResponseCache responseCache, Admission admission,
                         Function<Vertx, Sleeper> sleepers, TenancyService tenancy, Sessions sessions, AuditLog audit,
                         Budgets budgets, RateLimits rateLimits, Alerts alerts, Optional<Redis> redis, CostAnalytics analytics,
                         AnomalyStore anomalies) {}

  private Tollgate(TollgateConfig config, Vertx vertx, Backend db, KeyService keys, UsageStore usageStore,
                   UsageWriter usageWriter, Optional<String> generatedMasterKey, Alerts alerts, Budgets budgets,
                   Optional<Redis> redis, Optional<Invalidation> invalidation) {
    this.alerts = alerts;
    this.budgets = budgets;
    this.config = config;
    this.vertx = vertx;
    this.db = db;
    this.keys = keys;
    this.usageStore = usageStore;
    this.usageWriter = usageWriter;
    this.generatedMasterKey = generatedMasterKey;
    this.redis = redis;
    this.invalidation = invalidation;
  }

  public static Tollgate start(TollgateConfig config, Clock clock) {
    return start(config, clock, UnaryOperator.identity());
  }

  /**
   * Starts with the ledger store wrapped by {@code ledgerStore}: for embedding (a metrics or mirroring
   * decorator) and for the tests that take the store away mid-traffic.
   */
  public static Tollgate start(TollgateConfig config, Clock clock, UnaryOperator<UsageStore> ledgerStore) {
    return start(config, clock, ledgerStore, Optional.empty(), Sleeper::timers);
  }

  /** Starts with an admission stage of the caller's instead of budgets and rate limits (the tests' fakes). */
  public static Tollgate start(TollgateConfig config, Clock clock, UnaryOperator<UsageStore> ledgerStore, Admission admission) {
    return start(config, clock, ledgerStore, Optional.of(admission), Sleeper::timers);
  }

  /**
   * ... and the retry backoff's sleeper (tests record the waits instead of waiting). Without an admission
   * of the caller's, budgets and rate limits admit requests.
   */
  public static Tollgate start(TollgateConfig config, Clock clock, UnaryOperator<UsageStore> ledgerStore,
                               Optional<Admission> admissionOverride, Function<Vertx, Sleeper> sleepers) {
    requireNonNull(config, "config");
    requireNonNull(sleepers, "sleepers");
    requireNonNull(admissionOverride, "admissionOverride");
    requireNonNull(clock, "clock");
    Transport transport = transport(config.server().transport()); // a missing one fails here, before anything opens
    Tokenizer.count("warm up the tokenizer before the first request");
    Backend db = Backend.open(config.store().url()); // jdbc:duckdb: embedded, jdbc:postgresql: cluster
    TenancyStore tenancyStore = db.tenancy();
    TenancyService tenancy = new TenancyService(tenancyStore,
        new PasswordHasher(config.auth().passwordMemoryKib(), config.auth().passwordIterations()), clock);
    tenancy.ensureDefaults(); // before the keys are loaded: keys from before tenancy move into the default project
    KeyService keys = new KeyService(db.keys(), clock);
    Optional<String> generated = keys.initMaster(config.auth().masterKey());
    keys.startLastUsedFlusher(config.auth().lastUsedFlushInterval());
    Sessions sessions = new Sessions(tenancyStore, clock, config.auth().sessionTtl());
    AuditLog audit = new AuditLog(db.audit(), clock, id -> tenancy.user(id).map(User::email));
    UsageStore usageStore = ledgerStore.apply(db.usage());
    UsageWriter writer;
    Optional<Redis> redis = Optional.empty();
    Optional<Invalidation> invalidation = Optional.empty();
    try {
      if (config.redis().enabled()) { // cluster mode: replicas share counters and tell each other about changes
        redis = Optional.of(Redis.connect(config.redis()));
        invalidation = Optional.of(Invalidation.start(redis.get()));
        KeyService k = keys;
        Invalidation inv = invalidation.get();
        inv.subscribe("key", id -> {
          if (id.equals(Invalidation.ALL)) {
            k.reloadAll();
          } else {
            k.reload(id);
          }
        });
        keys.onChange(id -> inv.publish("key", id));
      }
      writer = new UsageWriter(usageStore, config.usage(), journalDir(config)).start(); // replays before we serve
    } catch (RuntimeException e) {
      keys.close();
      invalidation.ifPresent(Invalidation::close);
      redis.ifPresent(Redis::close);
      db.close();
      throw e;
    }
    EventBus events = new EventBus();
    events.subscribe(UnpricedUsage.class, new UnpricedLog()::accept);
    Metrics metrics = new Metrics(events, writer::stats);
    Pricing pricing = new Pricing(PriceCatalog.bundled(), config.pricing(), db.priceOverrides(), clock);
    invalidation.ifPresent(inv -> {
      inv.subscribe("prices", id -> pricing.reload());
      pricing.onChange(() -> inv.publish("prices", Invalidation.ALL));
    });
    // Budgets, rate limits, alerts: definitions in memory; counters in this process, or in Redis shared by
    // every replica (fail modes: redis.budgets-fail-mode, redis.rate-limits-fail-mode).
    Budgets budgets = new Budgets(db.budgets(), redis.<BudgetCounters>map(r -> new RedisBudgetCounters(r, clock))
        .orElseGet(() -> new InMemoryBudgetCounters(clock)), config.budgets(), events, clock,
        row -> AdmissionControl.unpricedCost(pricing, row));
    budgets.restoreAll(); // after the journal replay above: the ledger is complete; shared counters are not counted twice
    budgets.bindMetrics(metrics.registry());
    RateLimits rateLimits = new RateLimits(db.rateLimitRules(), redis.<RateLimitCounters>map(RedisRateLimitCounters::new)
        .orElseGet(InMemoryRateLimitCounters::new));
    Alerts alerts = new Alerts(db.alerts(), config.alerts(), clock, dev.tollgate.alerts.Sleeper.SYSTEM)
        .subscribe(events);
    invalidation.ifPresent(inv -> { // a definition changed on another replica (or missed during an outage): re-read it
      inv.subscribe("budget", id -> budgets.reload());
      budgets.onChange(id -> inv.publish("budget", id));
      inv.subscribe("rate-limit", id -> rateLimits.reload());
      rateLimits.onChange(id -> inv.publish("rate-limit", id));
      inv.subscribe("alert-rule", id -> alerts.reload());
      alerts.onChange(id -> inv.publish("alert-rule", id));
      inv.subscribe("tenancy", id -> tenancy.reload()); // orgs, projects, users, roles
      tenancy.onChange(() -> inv.publish("tenancy", Invalidation.ALL));
      inv.subscribe("sessions", id -> sessions.reload()); // logouts and signing keys
      sessions.onChange(() -> inv.publish("sessions", Invalidation.ALL));
      // Subscribe, then read again: a change another replica made after the first reads above and before these
      // subscriptions would otherwise stay unseen until the next one. Two replicas starting together on a fresh
      // database each create a signing key, and each rejected the other's sessions (TwoReplicaProcessesTest).
      budgets.reload();
      rateLimits.reload();
      alerts.reload();
      tenancy.reload();
      sessions.reload();
      inv.publish("sessions", Invalidation.ALL); // and replicas already running learn of a key this one created
    });
    ModelCatalog catalog = new ModelCatalog(config.models());
    Admission admission = admissionOverride.orElseGet(() -> new AdmissionControl(budgets, rateLimits, pricing, catalog, clock));
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(config.server().eventLoops()))
        .withTransport(transport).build();
    Tollgate tollgate = new Tollgate(config, vertx, db, keys, usageStore, writer, generated, alerts, budgets, redis, invalidation);
    Deployments deployments = new Deployments(config.models(), config.routing(), clock, m -> referencePrice(pricing, m, clock),
        Optional.of(metrics.registry()), events);
    DeploymentOverrides deploymentOverrides = new DeploymentOverrides(db.deploymentOverrides(), deployments, clock);
    invalidation.ifPresent(inv -> {
      inv.subscribe("deployment", id -> deploymentOverrides.reload());
      deploymentOverrides.onChange(id -> inv.publish("deployment", id));
    });
    deploymentOverrides.reload(); // after subscribing: a change made meanwhile on another replica is read here
    ResponseCache cache = !config.cache().enabled() ? ResponseCache.NONE
        : redis.<ResponseCache>map(r -> new RedisResponseCache(r, config.cache().ttl(), config.cache().maxBytes(),
            config.cache().maxEntryBytes(), clock)).orElseGet(() -> new CaffeineResponseCache(config.cache(), clock));
    if (cache instanceof CaffeineResponseCache && config.cache().maxBytes() > Runtime.getRuntime().maxMemory() / 2) {
      log.warn("cache.max-bytes ({} bytes) is more than half of the Java heap ({} bytes): raise the heap with "
          + "TOLLGATE_JAVA_OPTS=-Xmx... (the launcher's default is -Xmx1g) or lower cache.max-bytes",
          config.cache().maxBytes(), Runtime.getRuntime().maxMemory());
    }
    AnalyticsStore analyticsStore = db.analytics();
    AnomalyStore anomalies = db.anomalies();
    tollgate.anomalyDetector = new AnomalyDetector(analyticsStore, anomalies, events, config.analytics(), clock).start();
    Services services = new Services(config, keys, catalog, usageStore, writer, pricing, events, metrics,
        clock, tollgate.started, deployments, deploymentOverrides, cache, admission, sleepers, tenancy, sessions, audit, budgets, rateLimits, alerts,
        redis, new CostAnalytics(analyticsStore, clock), anomalies);
    tollgate.services = services;
    try {
      tollgate.deploy(services);
    } catch (RuntimeException e) {
      tollgate.close();
      throw e;
    }
    return tollgate;
  }

  /** Owners of orgs, projects, keys and budgets, for admin objects that point at one. */
  private static Ownership ownership(Services s) {
    return (kind, id) -> switch (kind) {
      case "org" -> s.tenancy().org(id).map(o -> new Ownership.Owner(Optional.of(o.id()), Optional.empty()));
      case "project" -> s.tenancy().project(id).map(p -> new Ownership.Owner(Optional.of(p.orgId()), Optional.of(p.id())));
      case "key" -> s.keys().find(id).filter(k -> k.role() == ApiKey.Role.VIRTUAL)
          .map(k -> new Ownership.Owner(k.orgId(), k.projectId()));
      case "budget" -> s.budgets().find(id).map(b -> new Ownership.Owner(b.orgId(), b.projectId()));
      default -> Optional.empty();
    };
  }

  /** What the cheapest strategy compares: 1k input and 1k output tokens at today's catalog price, nano-USD. */
  private static long referencePrice(Pricing pricing, ModelConfig m, Clock clock) {
    Cost c = pricing.cost(m.provider(), m.upstreamModel(), TokenUsage.of(1000, 1000), CostContext.of(ServiceTier.STANDARD),
        clock.instant());
    return c.unpriced() ? Deployments.UNPRICED : c.totalNanos();
  }

  /** The context window the price catalog knows for a model's (first) upstream. */
  private static OptionalLong contextWindow(Pricing pricing, ModelConfig m, Clock clock) {
    return pricing.catalog().lookup(m.provider(), m.upstreamModel(), clock.instant())
        .flatMap(p -> p.maxInputTokens()).map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  /** {@code usage.journal-dir}, else next to the DuckDB file; an in-memory store gets a throw-away journal. */
  private static java.nio.file.Path journalDir(TollgateConfig config) {
    return config.usage().journalDirFor(config.store().url()).orElseGet(() -> {
      try {
        return java.nio.file.Files.createTempDirectory("tollgate-journal-");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot create a temporary usage journal directory", e);
      }
    });
  }

  private void deploy(Services services) {
    int instances = config.server().eventLoops();
    // vert.x shares one listening socket among verticles asking for the same port; a negative port
    // means "a random port, shared", which is what port 0 must mean with several event loops.
    int listen = config.server().port() == 0 ? -1 : config.server().port();
    await(vertx.deployVerticle(() -> new HttpVerticle(services, listen), new DeploymentOptions().setInstances(instances)));
    started.set(true);
    log.info("tollgate {} listening on http://{}:{} ({} event loops, {} transport, {} models, store {})", VERSION,
        config.server().host(), port, instances, transport(),
        config.models().size(), db.displayUrl());
  }

  /**
   * The network transport {@code server.transport} names. {@code auto} takes io_uring where the kernel offers it
   * (one {@code io_uring_enter} per event-loop turn instead of a syscall per socket read and write: 28-38 % more
   * requests per core in bench/VertxFloor.java), else epoll, else Java NIO. A transport asked for by name must be
   * there: the gateway refuses to start rather than run on another one.
   */
  static Transport transport(String name) {
    return switch (name) {
      case "auto" -> Stream.of(Transport.IO_URING, Transport.EPOLL)
          .filter(Transport::available).findFirst().orElse(Transport.NIO);
      case "nio" -> Transport.NIO;
      default -> {
        Transport t = name.equals("io-uring")
            ? Transport.IO_URING : Transport.EPOLL;
        if (!t.available()) {
          Throwable cause = t.unavailabilityCause();
          throw new ConfigException("server.transport", name, "a transport available on this machine (auto picks one); "
              + name + " is not: " + (cause == null ? "unknown reason" : cause.getMessage()));
        }
        yield t;
      }
    };
  }

  /** The network transport the event loops run on: {@code io_uring}, {@code epoll} or {@code nio}. */
  public String transport() {
    return switch (((VertxInternal) vertx).transport().getClass().getSimpleName()) {
      case "IoUringTransport" -> "io_uring";
      case "EpollTransport" -> "epoll";
      case "NioTransport" -> "nio";
      case String other -> other;
    };
  }

  /** One event loop's HTTP server, router and upstream client. */
  private final class HttpVerticle extends VerticleBase {
    private final Services services;
    private final int listenPort;
    private HttpClient http;

    HttpVerticle(Services services, int listenPort) {
      this.services = services;
      this.listenPort = listenPort;
    }

    @Override
    public Future<?> start() {
      http = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true)
              .setConnectTimeout((int) config.upstream().connectTimeout().toMillis()),
          new PoolOptions().setHttp1MaxSize(config.upstream().maxConnectionsPerHost()));
      Router router = routes(vertx, services, http);
      return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setCompressionSupported(false)
              .setIdleTimeout(0))
          .requestHandler(router)
          .listen(listenPort, config.server().host())
          .onSuccess(server -> port = server.actualPort());
    }

    @Override
    public Future<?> stop() {
      return http.close();
    }
  }

  /** The router of one verticle. The tests build it the same way. */
  public static Router routes(Vertx vertx, Services s, HttpClient http) {
    Map<String, ProviderClient> providers = providers(vertx, s, http);
    Metering metering = new Metering(s.pricing(), s.usageWriter(), s.events(), s.clock());
    Resilience resilience = new Resilience(s.deployments(), s.responseCache(), s.config().cache(), s.sleepers().apply(vertx),
        new SplittableRandom(), vertx, m -> contextWindow(s.pricing(), m, s.clock()), Optional.of(s.metrics().registry()));
    GatewayRoutes gateway = new GatewayRoutes(s.keys(), s.catalog(), providers, metering, s.admission(), resilience, s.clock());
    Router router = HttpRoutes.base(vertx, s.config().server().bodyLimitBytes(), gateway::recordFailure);
    if (s.config().log().access()) {
      AccessLog.register(router);
    }
    HealthRoutes.register(router, VERSION, s.started()::get, s.usageWriter()::storeHealthy, s.usageWriter()::stats,
        s.redis().map(r -> List.of(new HealthRoutes.Check("redis", r::healthy))).orElse(List.of()));
    MetricsRoutes.register(router, s.metrics());
    gateway.register(router);
    new MessagesRoutes(s.keys(), s.catalog(), providers, metering, s.admission(), resilience, s.clock()).register(router);
    AdminGuard.register(router, s.keys(), s.sessions(), s.tenancy());
    OpenApi.register(router);
    new AuthRoutes(s.tenancy(), s.sessions(), s.audit(), new LoginThrottle(s.rateLimits().counters(),
        s.config().auth().loginAttemptsPerMinute(), s.config().auth().loginAttemptsPerMinutePerAddress()), s.clock()).register(router);
    new TenancyRoutes(s.tenancy(), s.keys(), s.audit()).register(router);
    new KeyRoutes(s.keys(), s.tenancy(), s.audit(), s.config().auth().keyRotationGrace(), s.clock()).register(router);
    new AuditRoutes(s.audit().store(), (scope, p) -> s.tenancy().project(p).filter(x -> s.tenancy().visible(scope, x)).isPresent())
        .register(router);
    new UsageRoutes(s.usageStore(), (scope, p) -> s.tenancy().project(p).filter(x -> s.tenancy().visible(scope, x)).isPresent())
        .register(router);
    new PriceRoutes(s.pricing(), s.config().models(), s.audit(), s.clock()).register(router);
    new DeploymentRoutes(s.deployments(), s.deploymentOverrides(), s.audit()).register(router);
    Ownership ownership = ownership(s);
    new BudgetRoutes(s.budgets(), ownership, s.audit(), s.clock()).register(router);
    new RateLimitRoutes(s.rateLimits(), ownership, s.audit(), s.clock()).register(router);
    new AlertRoutes(s.alerts(), ownership, s.audit(), s.clock()).register(router);
    new AnalyticsRoutes(s.analytics(), s.anomalies()).register(router);
    return router;
  }

  /** One adapter per provider name in {@link KnownProviders}, by the wire protocol it speaks. */
  static Map<String, ProviderClient> providers(Vertx vertx, Services s, HttpClient http) {
    Map<String, ProviderClient> out = new LinkedHashMap<>();
    for (KnownProviders.Known p : KnownProviders.all().values()) {
      out.put(p.name(), switch (p.wire()) {
        case MOCK -> new MockProvider(vertx, s.config().mock(), s.clock());
        case OPENAI -> new OpenAiCompatibleProvider(http, s.config().upstream(), p.name());
        case AZURE -> new AzureProvider(http, s.config().upstream());
        case ANTHROPIC -> new AnthropicProvider(http, s.config().upstream(), s.clock());
        case GEMINI -> new GeminiProvider(http, s.config().upstream(), s.clock());
      });
    }
    return out;
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://" + config.server().host() + ":" + port;
  }

  /** The master key generated on this first start, to be shown once; empty when one was configured or stored. */
  public Optional<String> generatedMasterKey() {
    return generatedMasterKey;
  }

  public KeyService keys() {
    return keys;
  }

  /** What the routers are built from (tests build a router of their own from it). */
  public Services services() {
    return services;
  }

  public UsageStore usageStore() {
    return usageStore;
  }

  public Budgets budgets() {
    return budgets;
  }

  public UsageWriter usageWriter() {
    return usageWriter;
  }

  public TollgateConfig config() {
    return config;
  }

  @Override
  public void close() {
    started.set(false);
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("stopping the HTTP layer: {}", e.toString());
    }
    if (anomalyDetector != null) {
      anomalyDetector.close();
    }
    alerts.close();
    if (services != null && services.responseCache() instanceof RedisResponseCache c) {
      c.close();
    }
    invalidation.ifPresent(Invalidation::close);
    redis.ifPresent(Redis::close);
    usageWriter.close();
    usageStore.close();
    keys.close();
    db.close();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("start-up timed out after " + Duration.ofSeconds(30), e);
    } catch (Exception e) {
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
    }
  }
}
