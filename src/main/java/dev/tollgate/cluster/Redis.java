package dev.tollgate.cluster;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's connection to Redis (Lettuce, async, one multiplexed connection). Lettuce reconnects by
 * itself after an outage; while disconnected, commands fail at once instead of queueing (a request must
 * not wait for Redis to come back), and every command has {@code redis.command-timeout}. {@link #healthy()}
 * follows the connection state and a PING every second, for {@code /health}.
 */
public final class Redis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Redis.class);

  private final RedisConfig config;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final ScheduledFuture<?> pinger;
  private final ConcurrentHashMap<String, String> digests = new ConcurrentHashMap<>();
  private volatile boolean healthy = true;
  private volatile boolean closing;
  private final java.util.List<Runnable> reconnectListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  private Redis(RedisConfig config, RedisClient client, StatefulRedisConnection<String, String> connection) {
    this.config = config;
    this.client = client;
    this.connection = connection;
    this.pinger = client.getResources().eventExecutorGroup().scheduleAtFixedRate(this::ping, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Connects to {@code redis.url}.
   *
   * @throws IllegalStateException when Redis does not answer at start (a replica does not start half-wired)
   */
  public static Redis connect(RedisConfig config) {
    requireNonNull(config, "config");
    String url = config.url().orElseThrow(() -> new IllegalArgumentException("redis.url: not set (expected: redis://host:port)"));
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(config.connectTimeout()); // the handshake; commands get redis.command-timeout below
    RedisClient client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true).tcpNoDelay(true).build())
        .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
        .build());
    StatefulRedisConnection<String, String> conn;
    try {
      conn = client.connect();
    } catch (RuntimeException e) {
      client.shutdown();
      throw new IllegalStateException("cannot connect to Redis at " + config.displayUrl().orElse("?") + ": " + e.getMessage(), e);
    }
    Redis redis = new Redis(config, client, conn);
    client.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
        boolean was = redis.healthy;
        redis.healthy = true;
        if (!was) {
          log.info("Redis connection restored");
          redis.reconnectListeners.forEach(Runnable::run);
        }
      }

      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
        if (redis.healthy && !redis.closing) {
          log.warn("Redis connection lost; reconnecting in the background (budgets fail {}, rate limits fail {})",
              config.budgetsFailMode().name().toLowerCase(java.util.Locale.ROOT),
              config.rateLimitsFailMode().name().toLowerCase(java.util.Locale.ROOT));
        }
        redis.healthy = false;
      }
    });
    log.info("redis ready: {}", config.displayUrl().orElse("?"));
    return redis;
  }

  public RedisConfig config() {
    return config;
  }

  /** Prefixes {@code name} with {@code redis.key-prefix}. */
  public String key(String name) {
    return config.keyPrefix() + name;
  }

  /** The client, for a pub/sub connection of its own. */
  RedisClient client() {
    return client;
  }

  /** Runs {@code listener} (on a Lettuce thread: hand blocking work off) each time the connection comes back. */
  public void onReconnect(Runnable listener) {
    reconnectListeners.add(requireNonNull(listener, "listener"));
  }

  public RedisAsyncCommands<String, String> async() {
    return connection.async();
  }

  /** Whether Redis answered lately: the connection is up and the last PING came back in time. */
  public boolean healthy() {
    return healthy && connection.isOpen();
  }

  private void ping() {
    connection.async().ping().toCompletableFuture()
        .orTimeout(Math.max(config.commandTimeout().toMillis(), 500), TimeUnit.MILLISECONDS)
        .whenComplete((pong, err) -> healthy = err == null && "PONG".equals(pong));
  }

  /**
   * Runs a Lua script by its SHA-1 (loading it on first use and again after a Redis restart flushed the
   * script cache), answering on the caller's Vert.x context when there is one.
   */
  public <T> Future<T> eval(String script, ScriptOutputType type, List<String> keys, List<String> args) {
    String sha = digests.computeIfAbsent(script, s -> connection.async().digest(s));
    String[] k = keys.toArray(String[]::new);
    String[] a = args.toArray(String[]::new);
    CompletionStage<T> stage = connection.async().<T>evalsha(sha, type, k, a)
        .exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
            ? connection.async().<T>eval(script, type, k, a)
            : java.util.concurrent.CompletableFuture.failedStage(unwrap(e)));
    return onContext(stage);
  }

  /** A Lettuce answer as a Vert.x future, completed on the caller's context (event loop) when there is one. */
  public static <T> Future<T> onContext(CompletionStage<T> stage) {
    Context ctx = Vertx.currentContext();
    return ctx == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, ctx);
  }

  /**
   * Whether a failure means Redis could not be reached (connection refused or lost, timeout), as opposed
   * to Redis answering with an error (a bug, which fail modes must not hide).
   */
  public static boolean isOutage(Throwable e) {
    Throwable t = unwrap(e);
    return !(t instanceof RedisCommandExecutionException) && (t instanceof io.lettuce.core.RedisException
        || t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException);
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public void close() {
    closing = true;
    pinger.cancel(false);
    connection.close();
    client.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
