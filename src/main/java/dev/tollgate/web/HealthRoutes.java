package dev.tollgate.web;

import dev.tollgate.common.Json;
import io.vertx.ext.web.Router;
import java.util.function.BooleanSupplier;
import dev.tollgate.usage.UsageWriter;
import java.util.function.Supplier;

/**
 * {@code /live}: the process answers. {@code /ready}: started and the ledger store is writable (a load
 * balancer may send traffic). {@code /health}: both, with details. None of them touch the database on
 * the event loop: they read flags the writer maintains.
 */
public final class HealthRoutes {
  private HealthRoutes() {}

  /**
   * A dependency shown in {@code /health} (and making it {@code degraded} when failing) without taking the
   * replica out of {@code /ready}: Redis is shared by every replica, so pulling them all out of the load
   * balancer would turn a counter outage into a full one; its fail modes decide instead.
   */
  public record Check(String name, BooleanSupplier healthy) {}

  public static void register(Router router, String version, BooleanSupplier started, BooleanSupplier storeHealthy,
                              Supplier<UsageWriter.Stats> ledger) {
    register(router, version, started, storeHealthy, ledger, java.util.List.of());
  }

  public static void register(Router router, String version, BooleanSupplier started, BooleanSupplier storeHealthy,
                              Supplier<UsageWriter.Stats> ledger, java.util.List<Check> checks) {
    router.get("/live").handler(ctx -> Web.json(ctx, 200, Json.object().put("status", "ok")));
    router.get("/ready").handler(ctx -> {
      boolean ready = started.getAsBoolean() && storeHealthy.getAsBoolean();
      Web.json(ctx, ready ? 200 : 503, Json.object().put("status", ready ? "ready" : "not_ready"));
    });
    router.get("/health").handler(ctx -> {
      UsageWriter.Stats l = ledger.get();
      boolean ok = l.storeHealthy() && l.journalHealthy();
      var out = Json.object().put("version", version);
      var checked = out.putObject("checks").put("store", l.storeHealthy() ? "ok" : "failing")
          .put("journal", l.journalHealthy() ? "ok" : "failing")
          .put("usage_queue_depth", l.queueDepth());
      for (Check c : checks) {
        boolean healthy = c.healthy().getAsBoolean();
        checked.put(c.name(), healthy ? "ok" : "failing");
        ok &= healthy;
      }
      out.put("status", ok ? "ok" : "degraded");
      out.putObject("ledger").put("journal_bytes", l.journalBytes()).put("journal_segments", l.journalSegments())
          .put("backlog", l.backlog()).put("written", l.written()).put("replayed", l.replayed())
          .put("dropped", l.dropped()).put("skipped_journal_frames", l.skippedJournalFrames())
          .put("dead_lettered", l.deadLettered());
      Web.json(ctx, 200, out);
    });
  }
}
