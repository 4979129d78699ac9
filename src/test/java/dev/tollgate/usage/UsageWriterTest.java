package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig.UsageConfig;
import dev.tollgate.storage.Database;
import dev.tollgate.storage.DuckDbUsageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsageWriterTest {
  private static final UsageConfig CONFIG = new UsageConfig(4_096, 512, Duration.ofMillis(20))
      .withFsyncInterval(Duration.ofMillis(10));
  private static final UsageWriter.Tuning FAST = new UsageWriter.Tuning(64L << 10, Duration.ofMillis(100), Duration.ofSeconds(2), 0);

  @TempDir
  Path tmp;
  private Database db;
  private FailingUsageStore store;
  private Path journalDir;

  @BeforeEach
  void open() {
    db = Database.open("jdbc:duckdb:" + tmp.resolve("t.duckdb"));
    store = new FailingUsageStore(new DuckDbUsageStore(db));
    journalDir = tmp.resolve("journal");
  }

  @AfterEach
  void close() {
    store.close();
    db.close();
  }

  @Test
  void storeFailure_keepsServing_journalGrows_thenStoresEveryRecordExactlyOnce() throws Exception {
    try (UsageWriter writer = new UsageWriter(store, CONFIG, journalDir, FAST).start()) {
      IntStream.range(0, 300).forEach(i -> writer.record(TestRecords.plain("before", i)));
      assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();

      store.failing(true);
      long journalBefore = writer.journalBytes();
      for (int wave = 0; wave < 5; wave++) {
        int w = wave;
        IntStream.range(0, 1_000).forEach(i -> writer.record(TestRecords.plain("down" + w, i)));
        await(() -> writer.stats().backlog() == 1_000L * (w + 1), "journaled while the store is down");
      }
      await(() -> !writer.storeHealthy(), "store reported unhealthy");
      await(() -> store.failedWrites.get() > 2, "retried with backoff");
      assertThat(writer.journalBytes()).as("the journal keeps growing").isGreaterThan(journalBefore + 5_000 * 50);
      assertThat(writer.stats().journalSegments()).isGreaterThan(2);
      assertThat(writer.droppedCount()).isZero();
      assertThat(store.count()).isEqualTo(300);

      store.failing(false);
      assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
      await(writer::storeHealthy, "store healthy again");
      assertThat(store.count()).isEqualTo(5_300);
      assertThat(duplicateKeys()).isZero();
      await(() -> writer.stats().journalSegments() <= 2, "stored segments deleted");
    }
    assertThat(recordSegments()).as("a clean stop leaves no records in the journal").isEmpty();
  }

  @Test
  void stopWhileTheStoreIsDown_replaysOnTheNextStart_exactlyOnce() throws Exception {
    List<UsageRecord> records = IntStream.range(0, 2_000).mapToObj(i -> TestRecords.plain("replay", i)).toList();
    store.failing(true);
    try (UsageWriter writer = new UsageWriter(store, CONFIG, journalDir, FAST).start()) {
      records.forEach(writer::record);
      await(() -> writer.stats().backlog() == records.size(), "journaled");
    } // stops after the stop timeout with everything still in the journal
    assertThat(store.count()).isZero();
    assertThat(recordSegments()).isNotEmpty();

    // A crash in the middle of an earlier replay: part of the records reached the store already.
    store.failing(false);
    store.append(records.subList(0, 700));
    store.append(records.subList(1_500, 1_600));

    try (UsageWriter writer = new UsageWriter(store, CONFIG, journalDir, FAST).start()) {
      // start() returns once the replay is in the store: before the HTTP server would serve.
      assertThat(store.count()).isEqualTo(2_000);
      assertThat(duplicateKeys()).isZero();
      assertThat(writer.replayedCount()).isEqualTo(2_000);
    }
    try (UsageWriter writer = new UsageWriter(store, CONFIG, journalDir, FAST).start()) {
      assertThat(writer.replayedCount()).as("nothing left to replay").isZero();
      assertThat(store.count()).isEqualTo(2_000);
    }
  }

  @Test
  void segments_areDeletedOnceTheStoreHoldsThem() throws Exception {
    try (UsageWriter writer = new UsageWriter(store, CONFIG, journalDir, FAST).start()) {
      for (int i = 0; i < 5_000; i++) {
        writer.record(TestRecords.plain("seg", i));
        if (i % 1_000 == 999) {
          assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        }
      }
      assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
      await(() -> writer.stats().journalSegments() <= 2, "stored segments deleted");
      assertThat(writer.journalBytes()).as("two segments, each at most one group past the size").isLessThan(400_000);
      assertThat(store.count()).isEqualTo(5_000);
    }
    assertThat(recordSegments()).isEmpty();
  }

  /** 0: every synced group reaches the store thread in memory; 300: most are read back from the files. */
  @ParameterizedTest(name = "hand-off limit {0}")
  @ValueSource(ints = {0, 300})
  void concurrentWriters_withAFlappingStore_storeEveryRecordExactlyOnce(int handoffLimit) throws Exception {
    int writers = 4;
    int each = 10_000;
    UsageConfig config = new UsageConfig(200_000, 700, Duration.ofMillis(5)).withFsyncInterval(Duration.ofMillis(2));
    try (UsageWriter writer = new UsageWriter(store, config, journalDir, FAST.withHandoffLimit(handoffLimit)).start()) {
      Thread flapper = Thread.ofPlatform().start(() -> {
        java.util.Random random = new java.util.Random(42);
        try {
          for (boolean fail = true; !Thread.currentThread().isInterrupted(); fail = !fail) {
            store.failing(fail);
            Thread.sleep(10 + random.nextInt(50));
          }
        } catch (InterruptedException e) {
          // done
        } finally {
          store.failing(false);
        }
      });
      List<Thread> producers = IntStream.range(0, writers).mapToObj(w -> Thread.ofPlatform().start(() -> {
        for (int i = 0; i < each; i++) {
          writer.record(TestRecords.plain("w" + w, i));
          if (i % 100 == 99) {
            try {
              Thread.sleep(3); // spread the load over the store's ups and downs
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      })).toList();
      for (Thread t : producers) {
        t.join();
      }
      Thread.sleep(300);
      flapper.interrupt();
      flapper.join();
      assertThat(writer.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(writer.droppedCount()).isZero();
    }
    assertThat(store.count()).isEqualTo((long) writers * each);
    assertThat(duplicateKeys()).isZero();
    assertThat(store.failedWrites.get()).as("the store did fail in between").isPositive();
  }

  @Test
  void queueFull_dropsAndCounts_neverBlocks() {
    UsageWriter writer = new UsageWriter(store, CONFIG, journalDir, FAST); // not started: nothing drains the queue
    long t0 = System.nanoTime();
    IntStream.range(0, 5_000).forEach(i -> writer.record(TestRecords.plain("full", i)));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(writer.queueDepth()).isEqualTo(4_096);
    assertThat(writer.droppedCount()).isEqualTo(5_000 - 4_096);
  }

  @Test
  void recordsTheStoreRefuses_goToTheDeadLetterFile_andTheRestIsStored() throws Exception {
    store.refusing(r -> r.requestId().endsWith("-13") || r.requestId().endsWith("-277"));
    try (UsageWriter writer = new UsageWriter(store, CONFIG, journalDir, FAST).start()) {
      IntStream.range(0, 300).forEach(i -> writer.record(TestRecords.plain("mixed", i)));
      assertThat(writer.flush(Duration.ofSeconds(10))).as("flush does not wait for refused records").isTrue();
      assertThat(store.count()).isEqualTo(298);
      assertThat(writer.stats().deadLettered()).isEqualTo(2);
      assertThat(writer.storeHealthy()).isTrue();

      List<String> lines = Files.readAllLines(journalDir.resolve(UsageWriter.DEAD_LETTER_FILE));
      assertThat(lines).hasSize(2);
      assertThat(lines).allSatisfy(l -> assertThat(l).contains("0x00"));
      assertThat(lines.stream().map(l -> dev.tollgate.common.Json.parseObject(l.getBytes()).path("record").path("request_id").asText()))
          .containsExactlyInAnyOrder(TestRecords.plain("mixed", 13).requestId(), TestRecords.plain("mixed", 277).requestId());

      writer.record(TestRecords.plain("after", 1)); // the ledger goes on
      assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(store.count()).isEqualTo(299);
    }
  }

  @Test
  void aStoreThatAnswersReadsButTakesNoWrite_isAnOutage_nothingIsSetAside() throws Exception {
    try (UsageWriter writer = new UsageWriter(store, CONFIG, journalDir, FAST).start()) {
      store.failing(true);
      IntStream.range(0, 200).forEach(i -> writer.record(TestRecords.plain("full", i)));
      await(() -> store.failedWrites.get() > 100, "retried");
      assertThat(writer.stats().deadLettered()).as("a full disk is not the records' fault").isZero();
      assertThat(journalDir.resolve(UsageWriter.DEAD_LETTER_FILE)).doesNotExist();

      store.failing(false);
      assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(store.count()).isEqualTo(200);
      assertThat(duplicateKeys()).isZero();
    }
  }

  @Test
  void dataErrors_areRecognisedThroughTheCauseChain() {
    assertThat(UsageWriter.dataError(new IllegalStateException("x", new java.sql.SQLException("too long", "22001")))).isTrue();
    assertThat(UsageWriter.dataError(new IllegalStateException("x", new java.sql.SQLException("dup", "23505")))).isTrue();
    assertThat(UsageWriter.dataError(new RuntimeException(new java.sql.SQLException("Conversion Error: invalid unicode")))).isTrue();
    assertThat(UsageWriter.dataError(new IllegalStateException("x", new java.sql.SQLException("disk full", "53100")))).isFalse();
    assertThat(UsageWriter.dataError(new IllegalStateException("connection refused"))).isFalse();
  }

  private long duplicateKeys() throws SQLException {
    try (Connection c = db.connection(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM (SELECT request_id, attempt FROM usage "
             + "GROUP BY request_id, attempt HAVING count(*) > 1)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<Path> recordSegments() throws IOException {
    try (Stream<Path> s = Files.list(journalDir)) {
      return s.filter(p -> p.toString().endsWith(".journal"))
          .filter(p -> p.toFile().length() > UsageJournal.HEADER_BYTES).toList();
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(10);
    }
  }
}
