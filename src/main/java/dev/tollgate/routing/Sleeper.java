package dev.tollgate.routing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Waits between retries without blocking: a timer on the event loop in production, instant in tests. */
@FunctionalInterface
public interface Sleeper {
  Future<Void> sleep(Duration delay);

  /** A Vert.x timer on the calling context. */
  static Sleeper timers(Vertx vertx) {
    return delay -> {
      if (delay.isZero() || delay.isNegative()) {
        return Future.succeededFuture();
      }
      return vertx.timer(Math.max(1, delay.toMillis())).mapEmpty();
    };
  }
}
