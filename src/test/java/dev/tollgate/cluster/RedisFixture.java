package dev.tollgate.cluster;

import dev.tollgate.testing.ExternalServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Redis for one test class: its own key prefix ({@code tg-test-<random>:}), and only its own keys deleted after. */
final class RedisFixture implements AutoCloseable {
  final String prefix = "tg-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  private final List<Redis> opened = new ArrayList<>();

  /** Generous timeouts: the CI machine may be busy, and a slow answer must not look like an outage here. */
  RedisConfig config() {
    RedisConfig d = RedisConfig.ofDefaults();
    return new RedisConfig(Optional.of(ExternalServices.REDIS_URL), prefix, Duration.ofSeconds(5), Duration.ofSeconds(10),
        d.budgetsFailMode(), d.rateLimitsFailMode());
  }

  /** A connection as a replica would open it (each call: a separate client, like another process). */
  Redis connect(RedisConfig config) {
    Redis r = Redis.connect(config);
    opened.add(r);
    return r;
  }

  Redis connect() {
    return connect(config());
  }

  /** Keys under this fixture's prefix. */
  List<String> keys() {
    RedisClient client = RedisClient.create(ExternalServices.REDIS_URL);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      List<String> out = new ArrayList<>();
      ScanIterator.scan(c.sync(), ScanArgs.Builder.matches(prefix + "*").limit(500)).forEachRemaining(out::add);
      return out;
    } finally {
      client.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    opened.forEach(Redis::close);
    List<String> mine = keys();
    if (!mine.isEmpty()) {
      RedisClient client = RedisClient.create(ExternalServices.REDIS_URL);
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        c.sync().del(mine.toArray(String[]::new));
      } finally {
        client.shutdown(0, 1, TimeUnit.SECONDS);
      }
    }
  }
}
