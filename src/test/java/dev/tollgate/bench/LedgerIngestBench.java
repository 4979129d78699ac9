package dev.tollgate.bench;

import dev.tollgate.common.Ids;
import dev.tollgate.config.TollgateConfig.UsageConfig;
import dev.tollgate.storage.Database;
import dev.tollgate.storage.DuckDbUsageStore;
import dev.tollgate.storage.PostgresDatabase;
import dev.tollgate.storage.PostgresUsageStore;
import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import dev.tollgate.usage.UsageStore;
import dev.tollgate.usage.UsageWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end ledger ingestion: N records through {@link UsageWriter#record} with the journal on (group
 * commit, fsync) into a real DuckDB file, timed until the store holds the last one. Not a test; see
 * {@code bench/LEDGER.md} for how to run it.
 *
 * <p>Arguments: {@code [records=2000000] [dir=a new temp dir] [batch-size=usage default] [store-url]}; a
 * {@code jdbc:postgresql:} store URL (an empty database) measures the PostgreSQL ledger instead, whose batch
 * statement also maintains the analytics rollups ({@code PostgresUsageRollup}).
 */
public final class LedgerIngestBench {
  /** Like a real priced row: a price version and a two-component breakdown. */
  private static final Optional<String> PRICE_VERSION = Optional.of("litellm-2026-07-24:gpt-4o-mini");
  private static final java.util.Map<String, java.math.BigDecimal> BREAKDOWN =
      java.util.Map.of("input", new java.math.BigDecimal("0.0000456"), "output", new java.math.BigDecimal("0.0000672"));

  private LedgerIngestBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 2_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("ledger-bench-");
    UsageConfig defaults = UsageConfig.ofDefaults();
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : defaults.batchSize();
    UsageConfig config = new UsageConfig(defaults.queueCapacity(), batch, defaults.flushInterval(),
        Optional.of(dir.resolve("journal")), defaults.fsyncInterval());
    Files.createDirectories(dir);
    Path dbFile = dir.resolve("bench.duckdb");
    Files.deleteIfExists(dbFile);
    System.out.printf("ledger ingest: %,d records, batch-size %d, fsync-interval %s, queue %d, dir %s, %d cpus%n",
        n, batch, config.fsyncInterval().toMillis() + "ms", config.queueCapacity(), dir,
        Runtime.getRuntime().availableProcessors());

    if (args.length > 3 && args[3].startsWith("jdbc:postgresql:")) {
      try (PostgresDatabase pg = PostgresDatabase.open(args[3])) {
        run(n, config, dir, new PostgresUsageStore(pg));
      }
      return;
    }
    try (Database db = Database.open("jdbc:duckdb:" + dbFile.toAbsolutePath())) {
      String threads = System.getProperty("duckdb.threads");
      if (threads != null) {
        try (var c = db.connection(); var st = c.createStatement()) {
          st.execute("SET threads TO " + Integer.parseInt(threads));
        }
        System.out.println("duckdb threads: " + threads);
      }
      DuckDbUsageStore store = new DuckDbUsageStore(db);
      long journal = run(n, config, dir, store);
      store.close();
      System.out.printf("after close: journal %,d bytes, duckdb file %,d bytes%n", journal, Files.size(dbFile));
    }
  }

  /** Records {@code n} rows through a journaled writer into {@code store} and prints the rates; returns the journal's bytes after close. */
  private static long run(int n, UsageConfig config, Path dir, UsageStore store) throws Exception {
    UsageWriter writer = new UsageWriter(store, config, dir.resolve("journal")).start();
    warmUp(writer);
    long base = store.count();
    long written0 = writer.writtenCount();

    int highWater = config.queueCapacity() * 3 / 4;
    long maxBacklog = config.queueCapacity() / 2;
    Instant t = Instant.parse("2026-05-01T00:00:00Z");
    List<String> tags = List.of("team:search", "env:prod");
    long start = System.nanoTime();
    long cpu0 = cpuNanos();
    long peakJournal = 0;
    for (int i = 0; i < n; i++) {
      // The bench's own back-pressure (record() itself never waits): offer as fast as the ledger keeps up,
      // so this measures the sustained rate, not how fast a burst fills the journal.
      while (writer.queueDepth() > highWater || (i & 255) == 0 && writer.stats().backlog() > maxBacklog) {
        LockSupport.parkNanos(50_000);
      }
      Instant s = t.plusNanos(i * 1_000_000L);
      writer.record(new UsageRecord(Ids.requestId(), 1, s, Optional.of(s.plusMillis(120)), s.plusMillis(900),
          "key_" + (i & 63), (i & 3) == 0 ? Optional.of("user-" + (i & 1023)) : Optional.empty(), tags, "openai",
          "gpt-4o-mini", "gpt-4o-mini-2024-07-18", "chat", (i & 1) == 0, TokenUsage.of(200 + (i & 511), 50 + (i & 127)),
          37_500L + i, 200, Optional.empty(), (i & 15) == 0 ? Set.of(UsageFlag.ESTIMATED) : Set.of(),
          PRICE_VERSION, BREAKDOWN));
      if ((i & 0xFFFF) == 0) {
        peakJournal = Math.max(peakJournal, writer.journalBytes());
      }
    }
    long offered = System.nanoTime();
    while (writer.writtenCount() - written0 < n - writer.droppedCount()) {
      peakJournal = Math.max(peakJournal, writer.journalBytes());
      Thread.sleep(1);
    }
    long end = System.nanoTime();
    double cpu = (cpuNanos() - cpu0) / 1e9;
    double seconds = (end - start) / 1e9;
    System.out.printf("record() of %,d records: %.2f s (%,.0f records/s offered)%n", n, (offered - start) / 1e9,
        n / ((offered - start) / 1e9));
    System.out.printf("end to end (record() -> committed in the store): %.2f s = %,.0f records/s%n", seconds, n / seconds);
    System.out.printf("process CPU: %.2f s = %,.0f records per CPU-second (load average now %.1f on %d cpus: "
            + "the machine is shared)%n", cpu, n / cpu,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf("dropped: %d, peak journal: %,d bytes, store rows: %,d%n", writer.droppedCount(), peakJournal,
        store.count() - base);
    writer.close();
    return writer.journalBytes();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void warmUp(UsageWriter writer) throws InterruptedException {
    Instant t = Instant.parse("2026-04-01T00:00:00Z");
    for (int i = 0; i < 300_000; i++) {
      while (writer.queueDepth() > 30_000 || writer.stats().backlog() > 30_000) {
        LockSupport.parkNanos(20_000);
      }
      writer.record(new UsageRecord("warm-" + i, 1, t, Optional.empty(), t.plusMillis(5), "key_w", Optional.empty(),
          List.of(), "mock", "mock-small", "mock-small", "chat", false, TokenUsage.of(1, 1), 0, 200, Optional.empty(), Set.of()));
    }
    if (!writer.flush(Duration.ofSeconds(60))) {
      throw new IllegalStateException("warm-up did not reach the store");
    }
    TimeUnit.MILLISECONDS.sleep(200);
  }
}
