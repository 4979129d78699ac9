package dev.tollgate.config;

import static java.util.Objects.requireNonNull;

import dev.tollgate.analytics.AnalyticsConfig;
import dev.tollgate.cluster.RedisConfig;
import dev.tollgate.common.ConfigException;
import dev.tollgate.alerts.AlertsConfig;
import dev.tollgate.budgets.BudgetsConfig;
import dev.tollgate.cache.CacheConfig;
import dev.tollgate.pricing.PricingConfig;
import dev.tollgate.routing.RoutingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration, immutable. Every record validates itself on construction and names the
 * offending key, so a config built in code is checked exactly like one read from YAML.
 * {@link #ofDefaults()} is what {@code tollgate serve} runs with when no file is given.
 */
public record TollgateConfig(
    ServerConfig server,
    StoreConfig store,
    AuthConfig auth,
    MockConfig mock,
    UsageConfig usage,
    UpstreamConfig upstream,
    LogConfig log,
    List<ModelConfig> models,
    PricingConfig pricing,
    RoutingConfig routing,
    CacheConfig cache,
    BudgetsConfig budgets,
    AlertsConfig alerts,
    RedisConfig redis,
    AnalyticsConfig analytics) {

  /** Without an analytics section: its defaults. */
  public TollgateConfig(ServerConfig server, StoreConfig store, AuthConfig auth, MockConfig mock, UsageConfig usage,
                        UpstreamConfig upstream, LogConfig log, List<ModelConfig> models, PricingConfig pricing,
                        RoutingConfig routing, CacheConfig cache, BudgetsConfig budgets, AlertsConfig alerts,
                        RedisConfig redis) {
    this(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis,
        AnalyticsConfig.ofDefaults());
  }

  /** With an analytics section, the other optional sections at their defaults. */
  public TollgateConfig(ServerConfig server, StoreConfig store, AuthConfig auth, MockConfig mock, UsageConfig usage,
                        UpstreamConfig upstream, LogConfig log, List<ModelConfig> models, PricingConfig pricing,
                        AnalyticsConfig analytics) {
    this(server, store, auth, mock, usage, upstream, log, models, pricing, RoutingConfig.ofDefaults(),
        CacheConfig.ofDefaults(), BudgetsConfig.ofDefaults(), AlertsConfig.ofDefaults(), RedisConfig.ofDefaults(), analytics);
  }

  /** Without routing, cache, budgets and alerts sections: their defaults. */
  public TollgateConfig(ServerConfig server, StoreConfig store, AuthConfig auth, MockConfig mock, UsageConfig usage,
                        UpstreamConfig upstream, LogConfig log, List<ModelConfig> models, PricingConfig pricing) {
    this(server, store, auth, mock, usage, upstream, log, models, pricing, RoutingConfig.ofDefaults(), CacheConfig.ofDefaults());
  }

  /** Without budgets and alerts sections: their defaults. */
  public TollgateConfig(ServerConfig server, StoreConfig store, AuthConfig auth, MockConfig mock, UsageConfig usage,
                        UpstreamConfig upstream, LogConfig log, List<ModelConfig> models, PricingConfig pricing,
                        RoutingConfig routing, CacheConfig cache) {
    this(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, BudgetsConfig.ofDefaults(),
        AlertsConfig.ofDefaults());
  }

  /** Without a redis section: embedded counters and cache. */
  public TollgateConfig(ServerConfig server, StoreConfig store, AuthConfig auth, MockConfig mock, UsageConfig usage,
                        UpstreamConfig upstream, LogConfig log, List<ModelConfig> models, PricingConfig pricing,
                        RoutingConfig routing, CacheConfig cache, BudgetsConfig budgets, AlertsConfig alerts) {
    this(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts,
        RedisConfig.ofDefaults());
  }

  /** With a redis section, the other optional sections at their defaults. */
  public TollgateConfig(ServerConfig server, StoreConfig store, AuthConfig auth, MockConfig mock, UsageConfig usage,
                        UpstreamConfig upstream, LogConfig log, List<ModelConfig> models, PricingConfig pricing,
                        RedisConfig redis) {
    this(server, store, auth, mock, usage, upstream, log, models, pricing, RoutingConfig.ofDefaults(),
        CacheConfig.ofDefaults(), BudgetsConfig.ofDefaults(), AlertsConfig.ofDefaults(), redis);
  }

  /** Without routing and cache sections: their defaults. */
  public TollgateConfig(ServerConfig server, StoreConfig store, AuthConfig auth, MockConfig mock, UsageConfig usage,
                        UpstreamConfig upstream, LogConfig log, List<ModelConfig> models, PricingConfig pricing,
                        BudgetsConfig budgets, AlertsConfig alerts) {
    this(server, store, auth, mock, usage, upstream, log, models, pricing, RoutingConfig.ofDefaults(),
        CacheConfig.ofDefaults(), budgets, alerts);
  }

  public TollgateConfig {
    requireNonNull(server, "server");
    requireNonNull(store, "store");
    requireNonNull(auth, "auth");
    requireNonNull(mock, "mock");
    requireNonNull(usage, "usage");
    requireNonNull(upstream, "upstream");
    requireNonNull(log, "log");
    requireNonNull(pricing, "pricing");
    requireNonNull(routing, "routing");
    requireNonNull(cache, "cache");
    requireNonNull(budgets, "budgets");
    requireNonNull(alerts, "alerts");
    requireNonNull(redis, "redis");
    requireNonNull(analytics, "analytics");
    models = List.copyOf(models);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < models.size(); i++) {
      // several entries of one name are the deployments of that model; each needs its own id
      ModelConfig m = models.get(i);
      if (!names.add(m.name() + "\u0000" + m.deploymentId())) {
        throw m.deploymentId().equals(ModelConfig.DEFAULT_DEPLOYMENT)
            ? new ConfigException("models[" + i + "].name", m.name(), "a name not used by another model")
            : new ConfigException("models[" + m.name() + "].id", m.deploymentId(), "an id not used by another deployment of " + m.name());
      }
    }
  }

  public static TollgateConfig ofDefaults() {
    return new TollgateConfig(ServerConfig.ofDefaults(), StoreConfig.ofDefaults(), AuthConfig.ofDefaults(),
        MockConfig.ofDefaults(), UsageConfig.ofDefaults(), UpstreamConfig.ofDefaults(), LogConfig.ofDefaults(),
        ModelConfig.defaultMockModels(), PricingConfig.ofDefaults(), RoutingConfig.ofDefaults(), CacheConfig.ofDefaults(),
        BudgetsConfig.ofDefaults(), AlertsConfig.ofDefaults(), RedisConfig.ofDefaults(), AnalyticsConfig.ofDefaults());
  }

  public TollgateConfig withServer(ServerConfig server) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withStore(StoreConfig store) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withAuth(AuthConfig auth) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withMock(MockConfig mock) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withUsage(UsageConfig usage) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withPricing(PricingConfig pricing) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withModels(List<ModelConfig> models) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withRouting(RoutingConfig routing) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withCache(CacheConfig cache) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withBudgets(BudgetsConfig budgets) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withAlerts(AlertsConfig alerts) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withRedis(RedisConfig redis) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  public TollgateConfig withAnalytics(AnalyticsConfig analytics) {
    return new TollgateConfig(server, store, auth, mock, usage, upstream, log, models, pricing, routing, cache, budgets, alerts, redis, analytics);
  }

  /**
   * {@code server.*}: where the gateway listens.
   *
   * @param transport the network transport: {@code auto} (io_uring where the kernel allows it, else epoll, else
   *     Java NIO), or one of {@code io-uring}, {@code epoll}, {@code nio}, which must then be available
   */
  public record ServerConfig(String host, int port, long bodyLimitBytes, int eventLoops, String transport) {
    public static final Set<String> TRANSPORTS = Set.of("auto", "io-uring", "epoll", "nio");

    public ServerConfig(String host, int port, long bodyLimitBytes, int eventLoops) {
      this(host, port, bodyLimitBytes, eventLoops, "auto");
    }

    public ServerConfig {
      requireNonNull(host, "server.host");
      if (host.isBlank()) {
        throw new ConfigException("server.host", host, "a host name or IP address");
      }
      if (port < 0 || port > 65535) {
        throw new ConfigException("server.port", port, "0..65535 (0 picks a free port)");
      }
      if (bodyLimitBytes < 1024) {
        throw new ConfigException("server.body-limit", bodyLimitBytes, ">= 1KiB");
      }
      if (eventLoops < 1 || eventLoops > 256) {
        throw new ConfigException("server.event-loops", eventLoops, "1..256");
      }
      if (!TRANSPORTS.contains(transport)) {
        throw new ConfigException("server.transport", transport, "one of auto, io-uring, epoll, nio");
      }
    }

    public static ServerConfig ofDefaults() {
      return new ServerConfig("127.0.0.1", 4000, 10L << 20, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public ServerConfig withPort(int port) {
      return new ServerConfig(host, port, bodyLimitBytes, eventLoops, transport);
    }

    public ServerConfig withBodyLimitBytes(long bodyLimitBytes) {
      return new ServerConfig(host, port, bodyLimitBytes, eventLoops, transport);
    }

    public ServerConfig withTransport(String transport) {
      return new ServerConfig(host, port, bodyLimitBytes, eventLoops, transport);
    }
  }

  /**
   * {@code store.*}: the system of record. A {@code jdbc:duckdb:} URL selects embedded mode, a
   * {@code jdbc:postgresql:} URL cluster mode (see docs/deploy-cluster.md).
   */
  public record StoreConfig(String url) {
    public StoreConfig {
      requireNonNull(url, "store.url");
      if (!url.startsWith("jdbc:duckdb:") && !url.startsWith("jdbc:postgresql:")) {
        throw new ConfigException("store.url", redacted(url), "a jdbc:duckdb: or jdbc:postgresql: URL");
      }
    }

    public boolean isPostgres() {
      return url.startsWith("jdbc:postgresql:");
    }

    /** The URL with any password replaced by {@code ***}: what logs and the CLI show. */
    public String displayUrl() {
      return redacted(url);
    }

    /** Never prints a password the URL may carry. */
    @Override
    public String toString() {
      return "StoreConfig[url=" + redacted(url) + "]";
    }

    private static String redacted(String url) {
      return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//([^/@:]*):[^/@]*@", "//$1:***@");
    }

    public static StoreConfig ofDefaults() {
      return new StoreConfig("jdbc:duckdb:data/tollgate.duckdb");
    }

    public static StoreConfig duckDbFile(java.nio.file.Path file) {
      return new StoreConfig("jdbc:duckdb:" + file.toAbsolutePath());
    }
  }

  /**
   * {@code auth.*}. The master key may also come from {@code TOLLGATE_MASTER_KEY}.
   *
   * @param sessionTtl how long a login session token is valid
   * @param keyRotationGrace how long a rotated API key keeps working when the rotation names no grace period
   * @param passwordMemoryKib Argon2id memory cost per password hash, KiB
   * @param passwordIterations Argon2id passes over that memory
   * @param lastUsedFlushInterval how often API keys' last-used times are written to the store
   */
  public record AuthConfig(Optional<String> masterKey, Duration sessionTtl, Duration keyRotationGrace,
                           int passwordMemoryKib, int passwordIterations, Duration lastUsedFlushInterval,
                           int loginAttemptsPerMinute, int loginAttemptsPerMinutePerAddress) {
    /** Login attempts per account, and per client address, per minute (then 429 until the bucket refills). */
    public static final int DEFAULT_LOGIN_ATTEMPTS = 10;
    public static final int DEFAULT_LOGIN_ATTEMPTS_PER_ADDRESS = 60;

    public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);
    public static final Duration DEFAULT_KEY_ROTATION_GRACE = Duration.ofHours(24);
    /** OWASP's Argon2id baseline: 19 MiB, 2 passes, 1 lane (about 40 ms a hash on one core). */
    public static final int DEFAULT_PASSWORD_MEMORY_KIB = 19_456;
    public static final int DEFAULT_PASSWORD_ITERATIONS = 2;
    public static final Duration DEFAULT_LAST_USED_FLUSH = Duration.ofSeconds(30);

    public AuthConfig {
      requireNonNull(masterKey, "auth.master-key");
      requireNonNull(sessionTtl, "auth.session-ttl");
      requireNonNull(keyRotationGrace, "auth.key-rotation-grace");
      requireNonNull(lastUsedFlushInterval, "auth.last-used-flush-interval");
      masterKey.ifPresent(k -> {
        if (k.length() < 16) {
          throw new ConfigException("auth.master-key", "<" + k.length() + " characters>", "at least 16 characters");
        }
      });
      if (sessionTtl.compareTo(Duration.ofMinutes(1)) < 0 || sessionTtl.compareTo(Duration.ofDays(30)) > 0) {
        throw new ConfigException("auth.session-ttl", sessionTtl, "1m..30d");
      }
      if (keyRotationGrace.isNegative() || keyRotationGrace.compareTo(Duration.ofDays(90)) > 0) {
        throw new ConfigException("auth.key-rotation-grace", keyRotationGrace, "0s..90d");
      }
      if (passwordMemoryKib < 8 || passwordMemoryKib > 4 * 1024 * 1024) {
        throw new ConfigException("auth.password-memory-kib", passwordMemoryKib, "8..4194304 (OWASP: at least 19456)");
      }
      if (passwordIterations < 1 || passwordIterations > 100) {
        throw new ConfigException("auth.password-iterations", passwordIterations, "1..100");
      }
      if (loginAttemptsPerMinute < 1 || loginAttemptsPerMinute > 10_000) {
        throw new ConfigException("auth.login-attempts-per-minute", loginAttemptsPerMinute, "1..10000");
      }
      if (loginAttemptsPerMinutePerAddress < 1 || loginAttemptsPerMinutePerAddress > 100_000) {
        throw new ConfigException("auth.login-attempts-per-minute-per-address", loginAttemptsPerMinutePerAddress, "1..100000");
      }
      if (lastUsedFlushInterval.compareTo(Duration.ofMillis(10)) < 0 || lastUsedFlushInterval.compareTo(Duration.ofHours(1)) > 0) {
        throw new ConfigException("auth.last-used-flush-interval", lastUsedFlushInterval, "10ms..1h");
      }
    }

    /** Only the master key set; everything else at its default. */
    public AuthConfig(Optional<String> masterKey) {
      this(masterKey, DEFAULT_SESSION_TTL, DEFAULT_KEY_ROTATION_GRACE, DEFAULT_PASSWORD_MEMORY_KIB,
          DEFAULT_PASSWORD_ITERATIONS, DEFAULT_LAST_USED_FLUSH, DEFAULT_LOGIN_ATTEMPTS, DEFAULT_LOGIN_ATTEMPTS_PER_ADDRESS);
    }

    /** A cheap Argon2id cost: for tests only (a hash in about a millisecond). */
    public AuthConfig withFastPasswordHashing() {
      return new AuthConfig(masterKey, sessionTtl, keyRotationGrace, 64, 1, lastUsedFlushInterval, loginAttemptsPerMinute,
          loginAttemptsPerMinutePerAddress);
    }

    public AuthConfig withSessionTtl(Duration ttl) {
      return new AuthConfig(masterKey, ttl, keyRotationGrace, passwordMemoryKib, passwordIterations, lastUsedFlushInterval,
          loginAttemptsPerMinute, loginAttemptsPerMinutePerAddress);
    }

    public AuthConfig withLastUsedFlushInterval(Duration interval) {
      return new AuthConfig(masterKey, sessionTtl, keyRotationGrace, passwordMemoryKib, passwordIterations, interval,
          loginAttemptsPerMinute, loginAttemptsPerMinutePerAddress);
    }

    public AuthConfig withLoginAttempts(int perMinute, int perMinutePerAddress) {
      return new AuthConfig(masterKey, sessionTtl, keyRotationGrace, passwordMemoryKib, passwordIterations,
          lastUsedFlushInterval, perMinute, perMinutePerAddress);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
      return "AuthConfig[master-key=" + (masterKey.isPresent() ? "<set>" : "-") + ", session-ttl=" + sessionTtl
          + ", key-rotation-grace=" + keyRotationGrace + ", password-memory-kib=" + passwordMemoryKib
          + ", password-iterations=" + passwordIterations + ", last-used-flush-interval=" + lastUsedFlushInterval
          + ", login-attempts-per-minute=" + loginAttemptsPerMinute + ", login-attempts-per-minute-per-address="
          + loginAttemptsPerMinutePerAddress + "]";
    }

    public static AuthConfig ofDefaults() {
      return new AuthConfig(Optional.empty());
    }
  }

  /** {@code mock.*}: the built-in mock provider's timing. */
  public record MockConfig(Duration latency, Duration chunkDelay) {
    public MockConfig {
      requireNonNull(latency, "mock.latency");
      requireNonNull(chunkDelay, "mock.chunk-delay");
      if (latency.isNegative()) {
        throw new ConfigException("mock.latency", latency, ">= 0");
      }
      if (chunkDelay.isNegative()) {
        throw new ConfigException("mock.chunk-delay", chunkDelay, ">= 0");
      }
    }

    public static MockConfig ofDefaults() {
      return new MockConfig(Duration.ZERO, Duration.ZERO);
    }
  }

  /**
   * {@code usage.*}: the usage ledger's write path: a bounded in-memory queue, the journal (group commit:
   * one fsync per {@code fsync-interval}) and the batched store writer ({@code batch-size} records or
   * {@code flush-interval}, whichever comes first).
   *
   * @param journalDir {@code usage.journal-dir}; empty means {@code journal/} next to the DuckDB file
   *     ({@code data/journal} with the default store), see {@link #journalDirFor}
   */
  public record UsageConfig(int queueCapacity, int batchSize, Duration flushInterval, Optional<Path> journalDir,
                            Duration fsyncInterval) {
    public static final Duration MAX_FSYNC_INTERVAL = Duration.ofSeconds(1);

    public UsageConfig {
      if (queueCapacity < 16) {
        throw new ConfigException("usage.queue-capacity", queueCapacity, ">= 16");
      }
      if (batchSize < 1 || batchSize > queueCapacity) {
        throw new ConfigException("usage.batch-size", batchSize, "1..usage.queue-capacity (" + queueCapacity + ")");
      }
      requireNonNull(flushInterval, "usage.flush-interval");
      if (flushInterval.isNegative() || flushInterval.isZero()) {
        throw new ConfigException("usage.flush-interval", flushInterval, "> 0");
      }
      requireNonNull(journalDir, "usage.journal-dir");
      journalDir.ifPresent(d -> {
        if (d.toString().isBlank()) {
          throw new ConfigException("usage.journal-dir", d.toString(), "a directory path");
        }
      });
      requireNonNull(fsyncInterval, "usage.fsync-interval");
      if (fsyncInterval.isNegative() || fsyncInterval.compareTo(MAX_FSYNC_INTERVAL) > 0) {
        throw new ConfigException("usage.fsync-interval", fsyncInterval,
            "0ms..1s (0 syncs every write; the ledger promises durability within about a second)");
      }
    }

    public UsageConfig(int queueCapacity, int batchSize, Duration flushInterval) {
      this(queueCapacity, batchSize, flushInterval, Optional.empty(), Duration.ofMillis(50));
    }

    public static UsageConfig ofDefaults() {
      return new UsageConfig(65_536, 16_384, Duration.ofSeconds(1), Optional.empty(), Duration.ofMillis(50));
    }

    public UsageConfig withJournalDir(Path journalDir) {
      return new UsageConfig(queueCapacity, batchSize, flushInterval, Optional.of(journalDir), fsyncInterval);
    }

    public UsageConfig withFsyncInterval(Duration fsyncInterval) {
      return new UsageConfig(queueCapacity, batchSize, flushInterval, journalDir, fsyncInterval);
    }

    /**
     * The journal directory for a store: {@code usage.journal-dir} when set, else {@code journal/} next to
     * the DuckDB file; {@code data/journal} (under the working directory) with PostgreSQL. Empty for an
     * in-memory DuckDB store without a configured directory: its journal would
     * outlive the data it protects, so the caller uses a temporary one.
     */
    public Optional<Path> journalDirFor(String storeUrl) {
      if (journalDir.isPresent()) {
        return journalDir;
      }
      if (storeUrl.startsWith("jdbc:postgresql:")) {
        return Optional.of(Path.of("data", "journal").toAbsolutePath()); // each replica journals on its own disk
      }
      String path = storeUrl.startsWith("jdbc:duckdb:") ? storeUrl.substring("jdbc:duckdb:".length()) : "";
      int query = path.indexOf('?');
      path = query < 0 ? path : path.substring(0, query);
      if (path.isEmpty() || path.startsWith(":memory:")) {
        return Optional.empty();
      }
      Path parent = Path.of(path).toAbsolutePath().getParent();
      return Optional.of(parent.resolve("journal"));
    }
  }

  /** {@code upstream.*}: the HTTP client used for every provider. */
  public record UpstreamConfig(int maxConnectionsPerHost, Duration connectTimeout, Duration requestTimeout) {
    public UpstreamConfig {
      if (maxConnectionsPerHost < 1) {
        throw new ConfigException("upstream.max-connections-per-host", maxConnectionsPerHost, ">= 1");
      }
      requireNonNull(connectTimeout, "upstream.connect-timeout");
      requireNonNull(requestTimeout, "upstream.request-timeout");
      if (connectTimeout.isZero() || connectTimeout.isNegative()) {
        throw new ConfigException("upstream.connect-timeout", connectTimeout, "> 0");
      }
      if (requestTimeout.isZero() || requestTimeout.isNegative()) {
        throw new ConfigException("upstream.request-timeout", requestTimeout, "> 0");
      }
    }

    public static UpstreamConfig ofDefaults() {
      return new UpstreamConfig(512, Duration.ofSeconds(5), Duration.ofMinutes(10));
    }
  }

  /**
   * {@code log.*}.
   *
   * @param access one structured line per HTTP request (request id, method, path, status, duration; never
   *     headers, keys or bodies) on the {@code tollgate.access} logger
   */
  public record LogConfig(String format, String level, boolean access) {
    public LogConfig(String format, String level) {
      this(format, level, false);
    }

    public LogConfig {
      if (!Set.of("text", "json").contains(format)) {
        throw new ConfigException("log.format", format, "text or json");
      }
      if (!Set.of("trace", "debug", "info", "warn", "error").contains(level)) {
        throw new ConfigException("log.level", level, "one of trace, debug, info, warn, error");
      }
    }

    public static LogConfig ofDefaults() {
      return new LogConfig("text", "info");
    }
  }
}
