package dev.tollgate.testing;

import static java.util.Objects.requireNonNull;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.tollgate.Tollgate;
import dev.tollgate.analytics.AnalyticsConfig;
import dev.tollgate.auth.KeyService;
import dev.tollgate.cache.CacheConfig;
import dev.tollgate.gateway.Admission;
import dev.tollgate.routing.RoutingConfig;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.config.TollgateConfig.AuthConfig;
import dev.tollgate.config.TollgateConfig.MockConfig;
import dev.tollgate.config.TollgateConfig.ServerConfig;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import dev.tollgate.config.TollgateConfig.UpstreamConfig;
import dev.tollgate.usage.UsagePage;
import dev.tollgate.usage.UsageQuery;
import dev.tollgate.usage.UsageRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gateway for integration tests: {@link Tollgate#start} on port 0, a DuckDB file in the test's
 * temporary directory, a fixed master key and one event loop (so requests are handled, and their
 * ledger rows enqueued, in the order they arrive). Start one per test class and close it after.
 */
public final class TestGateway implements AutoCloseable {
  public static final String MASTER_KEY = "tg-master-test-key-0123456789";
  private static final Duration LEDGER_WAIT = Duration.ofSeconds(10);

  private final Tollgate tollgate;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<OpenAIClient> sdkClients = new ArrayList<>();
  private final AtomicInteger keyNames = new AtomicInteger();

  private TestGateway(Tollgate tollgate) {
    this.tollgate = tollgate;
  }

  public static TestGateway start(Path dataDir) {
    return builder(dataDir).start();
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  public static final class Builder {
    private final Path dataDir;
    private final List<ModelConfig> extraModels = new ArrayList<>();
    private long bodyLimitBytes = ServerConfig.ofDefaults().bodyLimitBytes();
    private MockConfig mock = MockConfig.ofDefaults();
    private Clock clock = Clock.systemUTC();
    private int eventLoops = 1;
    private String transport = "auto";
    private UpstreamConfig upstream = UpstreamConfig.ofDefaults();
    private RoutingConfig routing = RoutingConfig.ofDefaults();
    private CacheConfig cache = CacheConfig.ofDefaults();
    private Optional<Admission> admission = Optional.empty();
    private java.util.function.Function<io.vertx.core.Vertx, dev.tollgate.routing.Sleeper> sleepers = dev.tollgate.routing.Sleeper::timers;
    private java.util.function.UnaryOperator<AuthConfig> auth = java.util.function.UnaryOperator.identity();
    private dev.tollgate.pricing.PricingConfig pricing = dev.tollgate.pricing.PricingConfig.ofDefaults();
    private dev.tollgate.budgets.BudgetsConfig budgets = dev.tollgate.budgets.BudgetsConfig.ofDefaults();
    private dev.tollgate.alerts.AlertsConfig alerts = dev.tollgate.alerts.AlertsConfig.ofDefaults();
    private AnalyticsConfig analytics = AnalyticsConfig.ofDefaults();
    private TollgateConfig.LogConfig log = TollgateConfig.LogConfig.ofDefaults();
    private dev.tollgate.cluster.RedisConfig redis = dev.tollgate.cluster.RedisConfig.ofDefaults();
    private Optional<StoreConfig> store = Optional.empty();

    private Builder(Path dataDir) {
      this.dataDir = requireNonNull(dataDir, "dataDir");
    }

    /** A model in addition to the default mock models (mock-small, mock-large, mock-embed). */
    public Builder model(ModelConfig model) {
      extraModels.add(requireNonNull(model, "model"));
      return this;
    }

    public Builder bodyLimitBytes(long bytes) {
      this.bodyLimitBytes = bytes;
      return this;
    }

    public Builder mock(MockConfig mock) {
      this.mock = requireNonNull(mock, "mock");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public Builder upstream(UpstreamConfig upstream) {
      this.upstream = requireNonNull(upstream, "upstream");
      return this;
    }

    public Builder routing(RoutingConfig routing) {
      this.routing = requireNonNull(routing, "routing");
      return this;
    }

    public Builder cache(CacheConfig cache) {
      this.cache = requireNonNull(cache, "cache");
      return this;
    }

    public Builder admission(Admission admission) {
      this.admission = Optional.of(requireNonNull(admission, "admission"));
      return this;
    }

    /** The retry backoff's sleeper, e.g. one that records the waits and does not wait. */
    public Builder sleeper(dev.tollgate.routing.Sleeper sleeper) {
      requireNonNull(sleeper, "sleeper");
      this.sleepers = vertx -> sleeper;
      return this;
    }

    /** Changes the auth config (it starts with the test master key and a cheap password hash). */
    public Builder auth(java.util.function.UnaryOperator<AuthConfig> change) {
      this.auth = requireNonNull(change, "change");
      return this;
    }

    public Builder pricing(dev.tollgate.pricing.PricingConfig pricing) {
      this.pricing = requireNonNull(pricing, "pricing");
      return this;
    }

    public Builder budgets(dev.tollgate.budgets.BudgetsConfig budgets) {
      this.budgets = requireNonNull(budgets, "budgets");
      return this;
    }

    public Builder alerts(dev.tollgate.alerts.AlertsConfig alerts) {
      this.alerts = requireNonNull(alerts, "alerts");
      return this;
    }

    public Builder log(TollgateConfig.LogConfig log) {
      this.log = requireNonNull(log, "log");
      return this;
    }

    public Builder analytics(AnalyticsConfig analytics) {
      this.analytics = requireNonNull(analytics, "analytics");
      return this;
    }

    /** Shared counters and cache in Redis (with the default store, the ledger stays in this gateway's DuckDB). */
    public Builder redis(dev.tollgate.cluster.RedisConfig redis) {
      this.redis = requireNonNull(redis, "redis");
      return this;
    }

    /** Another store than the DuckDB file in the data directory, e.g. a PostgreSQL schema ({@link PostgresSchema#url()}). */
    public Builder store(StoreConfig store) {
      this.store = Optional.of(requireNonNull(store, "store"));
      return this;
    }

    public Builder eventLoops(int eventLoops) {
      this.eventLoops = eventLoops;
      return this;
    }

    public Builder transport(String transport) {
      this.transport = transport;
      return this;
    }

    public TestGateway start() {
      TollgateConfig defaults = TollgateConfig.ofDefaults();
      ServerConfig server = defaults.server().withPort(0).withBodyLimitBytes(bodyLimitBytes);
      List<ModelConfig> models = new ArrayList<>(defaults.models());
      models.addAll(extraModels);
      TollgateConfig config = new TollgateConfig(
          new ServerConfig(server.host(), server.port(), server.bodyLimitBytes(), eventLoops, transport),
          store.orElseGet(() -> StoreConfig.duckDbFile(dataDir.resolve("tollgate.duckdb"))),
          // tests log in far more often than people; LoginThrottleHttpTest sets small limits of its own
          auth.apply(new AuthConfig(Optional.of(MASTER_KEY)).withFastPasswordHashing().withLoginAttempts(10_000, 100_000)),
          mock, store.isPresent() ? defaults.usage().withJournalDir(dataDir.resolve("journal")) : defaults.usage(), upstream, log,
          models, pricing, routing, cache, budgets, alerts, redis, analytics);
      return new TestGateway(Tollgate.start(config, clock, java.util.function.UnaryOperator.identity(), admission, sleepers));
    }
  }

  public Tollgate tollgate() {
    return tollgate;
  }

  public String baseUrl() {
    return tollgate.baseUrl();
  }

  public String masterKey() {
    return MASTER_KEY;
  }

  public int port() {
    return tollgate.port();
  }

  public KeyService keys() {
    return tollgate.keys();
  }

  /** A virtual key with a fresh name; no models means every model. */
  public KeyService.CreatedKey createKey(String... models) {
    return createKey(new LinkedHashSet<>(List.of(models)), Optional.empty());
  }

  public KeyService.CreatedKey createKey(Set<String> models, Optional<Instant> expiresAt) {
    return keys().create("test-key-" + keyNames.incrementAndGet(), models, expiresAt);
  }

  /** The official OpenAI SDK pointed at this gateway, without retries (a test sees every status). */
  public synchronized OpenAIClient openAi(String apiKey) {
    OpenAIClient client = OpenAIOkHttpClient.builder()
        .baseUrl(baseUrl() + "/v1")
        .apiKey(apiKey)
        .maxRetries(0)
        .timeout(Duration.ofSeconds(30))
        .build();
    sdkClients.add(client);
    return client;
  }

  // ---- plain HTTP ----

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30));
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("HTTP call to " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** POSTs {@code json} with {@code Authorization: Bearer apiKey}. */
  public HttpResponse<String> post(String path, String apiKey, String json) {
    return send(request(path).header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  /** POSTs {@code json} with a chosen request id, so the test can find the ledger row. */
  public HttpResponse<String> post(String path, String apiKey, String json, String requestId) {
    return send(request(path).header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
        .header("x-request-id", requestId).POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  public HttpResponse<String> get(String path, String apiKey) {
    return send(request(path).header("Authorization", "Bearer " + apiKey).GET().build());
  }

  /** Any method, with a JSON body (may be null) and extra headers given as name, value pairs. */
  public HttpResponse<String> call(String method, String path, String credential, String json, String... headers) {
    HttpRequest.Builder b = request(path).header("Authorization", "Bearer " + credential);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return send(b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build());
  }

  // ---- tenancy ----

  /** Creates a user (with the master key) holding {@code rolesJson} (a JSON array) and returns their id. */
  public String createUser(String email, String password, String rolesJson) {
    HttpResponse<String> resp = post("/api/v1/users", MASTER_KEY,
        "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"roles\":" + rolesJson + "}");
    if (resp.statusCode() != 201) {
      throw new AssertionError("cannot create user " + email + ": " + resp.statusCode() + " " + resp.body());
    }
    return field(resp.body(), "id");
  }

  /** Logs in and returns the session token. */
  public String login(String email, String password) {
    HttpResponse<String> resp = send(request("/api/v1/auth/login").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")).build());
    if (resp.statusCode() != 200) {
      throw new AssertionError("cannot log in as " + email + ": " + resp.statusCode() + " " + resp.body());
    }
    return field(resp.body(), "token");
  }

  /** Creates an org with the master key; returns its id. */
  public String createOrg(String name) {
    HttpResponse<String> resp = post("/api/v1/orgs", MASTER_KEY, "{\"name\":\"" + name + "\"}");
    if (resp.statusCode() != 201) {
      throw new AssertionError("cannot create org " + name + ": " + resp.statusCode() + " " + resp.body());
    }
    return field(resp.body(), "id");
  }

  /** Creates a project with the master key; returns its id. */
  public String createProject(String orgId, String name) {
    HttpResponse<String> resp = post("/api/v1/projects", MASTER_KEY, "{\"name\":\"" + name + "\",\"org_id\":\"" + orgId + "\"}");
    if (resp.statusCode() != 201) {
      throw new AssertionError("cannot create project " + name + ": " + resp.statusCode() + " " + resp.body());
    }
    return field(resp.body(), "id");
  }

  /** Creates a virtual key in a project with the master key; returns {id, secret}. */
  public String[] createKeyIn(String projectId, String name) {
    HttpResponse<String> resp = post("/api/v1/keys", MASTER_KEY, "{\"name\":\"" + name + "\",\"project_id\":\"" + projectId + "\"}");
    if (resp.statusCode() != 201) {
      throw new AssertionError("cannot create key " + name + ": " + resp.statusCode() + " " + resp.body());
    }
    return new String[] {field(resp.body(), "id"), field(resp.body(), "key")};
  }

  private static String field(String json, String name) {
    try {
      return dev.tollgate.common.Json.MAPPER.readTree(json).get(name).asText();
    } catch (IOException | NullPointerException e) {
      throw new AssertionError("no '" + name + "' in " + json, e);
    }
  }

  // ---- the ledger ----

  /** Flushes the usage writer and returns the newest {@code n} ledger rows, newest first. */
  public List<UsageRecord> latestUsage(int n) {
    flush();
    return tollgate.usageStore().query(UsageQuery.latest(n)).records();
  }

  /**
   * The ledger row of {@code requestId}. The row is enqueued just after the response is sent, so this
   * flushes and looks again until it appears, failing after 10 s.
   */
  public UsageRecord awaitUsage(String requestId) {
    long deadline = System.nanoTime() + LEDGER_WAIT.toNanos();
    while (true) {
      flush();
      Optional<UsageRecord> row = findUsage(requestId);
      if (row.isPresent()) {
        return row.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no ledger row for request " + requestId + " after " + LEDGER_WAIT);
      }
      sleep(Duration.ofMillis(20));
    }
  }

  /** Every ledger row of {@code requestId} currently in the store (after a flush). */
  public List<UsageRecord> usageRows(String requestId) {
    flush();
    List<UsageRecord> out = new ArrayList<>();
    UsageQuery q = UsageQuery.latest(UsageQuery.MAX_LIMIT);
    while (true) {
      UsagePage page = tollgate.usageStore().query(q);
      page.records().stream().filter(r -> r.requestId().equals(requestId)).forEach(out::add);
      if (page.nextCursor().isEmpty()) {
        return out;
      }
      q = new UsageQuery(q.from(), q.to(), q.keyId(), Optional.empty(), q.model(), q.provider(), Optional.empty(), Optional.empty(), q.status(), q.limit(), page.nextCursor());
    }
  }

  private Optional<UsageRecord> findUsage(String requestId) {
    List<UsageRecord> rows = usageRows(requestId);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
  }

  /**
   * Sends one request and waits for its ledger row. With one event loop, every request answered before
   * this one has had its row written by the time this returns: use it before asserting a row is absent.
   */
  public void ledgerBarrier() {
    String id = RequestIds.next();
    post("/v1/embeddings", MASTER_KEY, "{\"model\":\"mock-embed\",\"input\":\"barrier\"}", id);
    awaitUsage(id);
  }

  private void flush() {
    try {
      if (!tollgate.usageWriter().flush(LEDGER_WAIT)) {
        throw new AssertionError("usage writer did not flush within " + LEDGER_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public synchronized void close() {
    sdkClients.forEach(OpenAIClient::close);
    sdkClients.clear();
    http.close();
    tollgate.close();
  }
}
