package dev.tollgate;

import static java.util.Objects.requireNonNull;

import dev.tollgate.analytics.AnalyticsRoutes;
import dev.tollgate.analytics.AnomalyDetector;
import dev.tollgate.analytics.AnomalyStore;
import dev.tollgate.analytics.CostAnalytics;
import dev.tollgate.auth.KeyRoutes;
import dev.tollgate.auth.KeyService;
import dev.tollgate.common.EventBus;
import dev.tollgate.common.Tokenizer;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.gateway.GatewayRoutes;
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
import dev.tollgate.storage.Database;
import dev.tollgate.storage.DuckDbAnalyticsStore;
import dev.tollgate.storage.DuckDbAnomalyStore;
import dev.tollgate.storage.DuckDbKeyStore;
import dev.tollgate.storage.DuckDbPriceOverrideStore;
import dev.tollgate.storage.DuckDbUsageStore;
import dev.tollgate.usage.UsageRoutes;
import dev.tollgate.usage.UsageStore;
import dev.tollgate.usage.UsageWriter;
import dev.tollgate.web.AccessLog;
import dev.tollgate.web.AdminGuard;
import dev.tollgate.web.HealthRoutes;
import dev.tollgate.web.HttpRoutes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
  private final Database db;
  private final KeyService keys;
  private final UsageStore usageStore;
  private final UsageWriter usageWriter;
  private final Optional<String> generatedMasterKey;
  private AnomalyDetector anomalyDetector;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile int port;

  /** Everything the routes need; shared by all verticles. */
  public record Services(TollgateConfig config, KeyService keys, ModelCatalog catalog, UsageStore usageStore,
                         UsageWriter usageWriter, Pricing pricing, EventBus events, Metrics metrics, Clock clock,
                         AtomicBoolean started, CostAnalytics analytics, AnomalyStore anomalies) {}

  private Tollgate(TollgateConfig config, Vertx vertx, Database db, KeyService keys, UsageStore usageStore,
                   UsageWriter usageWriter, Optional<String> generatedMasterKey) {
    this.config = config;
    this.vertx = vertx;
    this.db = db;
    this.keys = keys;
    this.usageStore = usageStore;
    this.usageWriter = usageWriter;
    this.generatedMasterKey = generatedMasterKey;
  }

  public static Tollgate start(TollgateConfig config, Clock clock) {
    return start(config, clock, UnaryOperator.identity());
  }

  /**
   * Starts with the ledger store wrapped by {@code ledgerStore}: for embedding (a metrics or mirroring
   * decorator) and for the tests that take the store away mid-traffic.
   */
  public static Tollgate start(TollgateConfig config, Clock clock, UnaryOperator<UsageStore> ledgerStore) {
    requireNonNull(config, "config");
    requireNonNull(clock, "clock");
    Tokenizer.count("warm up the tokenizer before the first request");
    Database db = Database.open(config.store().url());
    KeyService keys = new KeyService(new DuckDbKeyStore(db), clock);
    Optional<String> generated = keys.initMaster(config.auth().masterKey());
    UsageStore usageStore = ledgerStore.apply(new DuckDbUsageStore(db));
    UsageWriter writer;
    try {
      writer = new UsageWriter(usageStore, config.usage(), journalDir(config)).start(); // replays before we serve
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    EventBus events = new EventBus();
    events.subscribe(UnpricedUsage.class, new UnpricedLog()::accept);
    Metrics metrics = new Metrics(events, writer::stats);
    Pricing pricing = new Pricing(PriceCatalog.bundled(), config.pricing(), new DuckDbPriceOverrideStore(db), clock);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.server().eventLoops())
        .setPreferNativeTransport(true));
    Tollgate tollgate = new Tollgate(config, vertx, db, keys, usageStore, writer, generated);
    DuckDbAnalyticsStore analyticsStore = new DuckDbAnalyticsStore(db);
    AnomalyStore anomalies = new DuckDbAnomalyStore(db);
    tollgate.anomalyDetector = new AnomalyDetector(analyticsStore, anomalies, events, config.analytics(), clock).start();
    Services services = new Services(config, keys, new ModelCatalog(config.models()), usageStore, writer, pricing, events, metrics,
        clock, tollgate.started, new CostAnalytics(analyticsStore, clock), anomalies);
    try {
      tollgate.deploy(services);
    } catch (RuntimeException e) {
      tollgate.close();
      throw e;
    }
    return tollgate;
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
        config.server().host(), port, instances, vertx.isNativeTransportEnabled() ? "epoll" : "NIO",
        config.models().size(), config.store().url());
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
    GatewayRoutes gateway = new GatewayRoutes(s.keys(), s.catalog(), providers, metering, s.clock());
    Router router = HttpRoutes.base(vertx, s.config().server().bodyLimitBytes(), gateway::recordFailure);
    if (s.config().log().access()) {
      AccessLog.register(router);
    }
    HealthRoutes.register(router, VERSION, s.started()::get, s.usageWriter()::storeHealthy, s.usageWriter()::stats);
    MetricsRoutes.register(router, s.metrics());
    gateway.register(router);
    new MessagesRoutes(s.keys(), s.catalog(), providers, metering, s.clock()).register(router);
    AdminGuard.register(router, s.keys());
    new KeyRoutes(s.keys(), s.clock()).register(router);
    new UsageRoutes(s.usageStore()).register(router);
    new PriceRoutes(s.pricing(), s.config().models(), s.clock()).register(router);
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

  public UsageStore usageStore() {
    return usageStore;
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
    usageWriter.close();
    usageStore.close();
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
