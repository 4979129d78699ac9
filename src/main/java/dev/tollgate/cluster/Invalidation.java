package dev.tollgate.cluster;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.Ids;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-replica invalidation of what each replica keeps in memory (API keys, config read from the store):
 * a replica that changes something publishes {@code <kind> <id>} on the {@code <prefix>invalidate} channel;
 * every other replica re-reads that item from the store. Handlers run on one thread of their own, never on
 * a Lettuce or event-loop thread, because they read the database.
 *
 * <p>Pub/sub is fire-and-forget: a message sent while a replica was disconnected is lost. So whenever a
 * replica's connection comes back it reloads everything ({@link #ALL}) and asks every other replica to
 * do the same; nothing stays stale beyond an outage.
 */
public final class Invalidation implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Invalidation.class);
  /** The id meaning "reload every item of this kind". */
  public static final String ALL = "*";

  private final Redis redis;
  private final String channel;
  private final String replicaId = Ids.prefixed("replica");
  private final StatefulRedisPubSubConnection<String, String> pubsub;
  private final Map<String, Consumer<String>> handlers = new ConcurrentHashMap<>();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(
      Thread.ofPlatform().name("tollgate-invalidation").daemon(true).factory());

  private Invalidation(Redis redis) {
    this.redis = redis;
    this.channel = redis.key("invalidate");
    this.pubsub = redis.client().connectPubSub();
    pubsub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String ch, String message) {
        receive(message);
      }
    });
    pubsub.sync().subscribe(channel); // Lettuce re-subscribes by itself after a reconnect
    redis.onReconnect(() -> {
      handlers.keySet().forEach(kind -> dispatch(kind, ALL));
      handlers.keySet().forEach(kind -> publish(kind, ALL));
    });
  }

  public static Invalidation start(Redis redis) {
    return new Invalidation(requireNonNull(redis, "redis"));
  }

  /** {@code handler} gets the id of each item of {@code kind} another replica changed, or {@link #ALL}. */
  public void subscribe(String kind, Consumer<String> handler) {
    requireNonNull(kind, "kind");
    if (kind.contains(" ")) {
      throw new IllegalArgumentException("kind: '" + kind + "' (expected: no spaces)");
    }
    handlers.put(kind, requireNonNull(handler, "handler"));
  }

  /** Tells the other replicas that {@code id} of {@code kind} changed. Never blocks; a failure is logged. */
  public void publish(String kind, String id) {
    redis.async().publish(channel, replicaId + " " + kind + " " + id).whenComplete((n, e) -> {
      if (e != null) {
        log.warn("could not tell the other replicas that {} {} changed (Redis unreachable); they reload everything when it is back",
            kind, id);
      }
    });
  }

  private void receive(String message) {
    String[] parts = message.split(" ", 3);
    if (parts.length != 3 || parts[0].equals(replicaId)) {
      return; // malformed, or our own change
    }
    dispatch(parts[1], parts[2]);
  }

  private void dispatch(String kind, String id) {
    Consumer<String> h = handlers.get(kind);
    if (h == null) {
      return;
    }
    worker.execute(() -> {
      try {
        h.accept(id);
      } catch (RuntimeException e) {
        log.warn("reloading {} {} after a change on another replica failed: {}", kind, id, e.toString());
      }
    });
  }

  @Override
  public void close() {
    worker.shutdown();
    try {
      worker.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pubsub.close();
  }
}
