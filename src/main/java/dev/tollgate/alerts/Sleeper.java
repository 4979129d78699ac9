package dev.tollgate.alerts;

import java.time.Duration;

/** Waits between delivery attempts; tests inject one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  Sleeper SYSTEM = d -> Thread.sleep(d);
}
