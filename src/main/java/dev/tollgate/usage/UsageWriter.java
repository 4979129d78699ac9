package dev.tollgate.usage;

import static java.util.Objects.requireNonNull;

import dev.tollgate.config.TollgateConfig.UsageConfig;
import dev.tollgate.usage.UsageJournal.Position;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage ledger's write path, off the request path:
 *
 * <pre>
 * record() ─► bounded queue ─► journal thread: append to the journal, write(2) at once,
 *                                              one fsync per usage.fsync-interval (group commit)
 *                              store thread:   read synced records back, batch them into the store,
 *                                              delete journal segments the store holds
 * </pre>
 *
 * {@link #record} never blocks and does no I/O: it offers to the queue and counts a drop when the queue
 * is full. A record is durable once the journal has synced it, so a {@code kill -9} loses at most what
 * the journal thread had not yet written (milliseconds' worth). {@link #start} first replays what
 * earlier runs journaled but did not store, idempotently by (requestId, attempt). When the store fails
 * the store thread retries with backoff while the journal keeps growing.
 *
 * <p>The journal thread hands each synced group to the store thread in memory too (up to
 * {@code usage.queue-capacity} records), so that in the steady state nothing is decoded again; when the
 * store falls behind by more than that, the store thread reads the backlog back from the journal files.
 * Either way it consumes the journal in order, by position, so no record is taken twice.
 */
public final class UsageWriter implements UsageSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UsageWriter.class);
  private static final int DRAIN = 8_192;
  /** Records the store refuses while it answers (see {@link #settle}), one JSON object per line. */
  public static final String DEAD_LETTER_FILE = "dead-letter.jsonl";
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** How long the journal thread lets records gather after a write: what a crash of the process alone can lose. */
  private static final long COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(1);

  /** What {@code /health} and metrics show about the ledger's write path. */
  public record Stats(
      int queueDepth,
      long journalBytes,
      int journalSegments,
      long backlog,
      boolean storeHealthy,
      boolean journalHealthy,
      long written,
      long replayed,
      long dropped,
      long skippedJournalFrames,
      long deadLettered) {}

  private final UsageStore store;
  private final UsageConfig config;
  private final Path journalDir;
  private final Tuning tuning;
  /** The hand-off from the event loops: lock-free, bounded by {@link #queued}. */
  private final ConcurrentLinkedQueue<UsageRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private volatile boolean journalParked;
  private final Thread journalThread;
  private final Thread storeThread;
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong journaled = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong replayed = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  /** The dead-lettered records this run recorded: settled like written ones for flush() and the backlog. */
  private final AtomicLong deadLetteredLive = new AtomicLong();
  private final CountDownLatch replayDone = new CountDownLatch(1);
  private final CountDownLatch journalStopped = new CountDownLatch(1);
  private final CountDownLatch storeStopped = new CountDownLatch(1);
  private final Object synced = new Object();
  /** Synced groups on their way to the store thread, and how many records they hold. */
  private final ConcurrentLinkedQueue<Group> handoff = new ConcurrentLinkedQueue<>();
  private final AtomicInteger handoffRecords = new AtomicInteger();
  private volatile long syncCount;
  private volatile UsageJournal journal;
  private volatile boolean running = true;
  private volatile long stopDeadline = Long.MAX_VALUE;
  private volatile boolean storeHealthy = true;
  private volatile boolean journalHealthy = true;
  private volatile boolean caughtUp;

  /** A synced group of records and where its frames are in the journal. */
  private record Group(UsageJournal.Synced where, List<UsageRecord> records) {}

  /**
   * Knobs the tests turn; not configuration.
   *
   * @param handoffLimit records the in-memory hand-off may hold; 0 means {@code usage.queue-capacity}
   */
  record Tuning(long segmentBytes, Duration maxBackoff, Duration stopTimeout, int handoffLimit) {
    static final Tuning DEFAULT = new Tuning(UsageJournal.DEFAULT_SEGMENT_BYTES, Duration.ofSeconds(5), Duration.ofSeconds(10), 0);

    Tuning withHandoffLimit(int limit) {
      return new Tuning(segmentBytes, maxBackoff, stopTimeout, limit);
    }
  }

  /** A writer journaling into {@code journalDir}; nothing happens until {@link #start()}. */
  public UsageWriter(UsageStore store, UsageConfig config, Path journalDir) {
    this(store, config, journalDir, Tuning.DEFAULT);
  }

  UsageWriter(UsageStore store, UsageConfig config, Path journalDir, Tuning tuning) {
    this.store = requireNonNull(store, "store");
    this.config = requireNonNull(config, "config");
    this.journalDir = requireNonNull(journalDir, "journalDir");
    this.tuning = requireNonNull(tuning, "tuning");
    this.journalThread = Thread.ofPlatform().name("tollgate-usage-journal").daemon(true).unstarted(this::runJournal);
    this.storeThread = Thread.ofPlatform().name("tollgate-usage-writer").daemon(true).unstarted(this::runStore);
  }

  /**
   * Opens the journal, starts both threads and returns once the records of earlier runs that the store
   * did not hold are in it. If the store fails during that replay, returns anyway (the replay goes on in
   * the background) so that the gateway can serve.
   *
   * @throws dev.tollgate.common.ConfigException when the journal directory cannot be created or is in use
   */
  public UsageWriter start() {
    try {
      journal = UsageJournal.open(journalDir, tuning.segmentBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the usage journal in " + journalDir + ": " + e.getMessage(), e);
    }
    journalThread.start();
    storeThread.start();
    try {
      replayDone.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return this;
  }

  @Override
  public void record(UsageRecord record) {
    if (queued.incrementAndGet() <= config.queueCapacity()) {
      queue.offer(record); // lock-free: an event loop never waits here
      enqueued.incrementAndGet();
      if (journalParked) {
        LockSupport.unpark(journalThread);
      }
      return;
    }
    queued.decrementAndGet();
    long n = dropped.incrementAndGet();
    if (Long.bitCount(n) == 1) { // log at 1, 2, 4, 8 ... drops, not once per record
      log.warn("usage queue full ({} records); {} record(s) dropped so far (usage.queue-capacity)", config.queueCapacity(), n);
    }
  }

  /** Waits until every record enqueued before this call is in the store, or the timeout passes. */
  public boolean flush(Duration timeout) throws InterruptedException {
    long target = enqueued.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (written.get() + deadLetteredLive.get() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** Records of this run in the store. */
  public long writtenCount() {
    return written.get();
  }

  /** Records of earlier runs replayed from the journal into the store. */
  public long replayedCount() {
    return replayed.get();
  }

  public long droppedCount() {
    return dropped.get();
  }

  public int queueDepth() {
    return Math.max(0, queued.get());
  }

  public boolean storeHealthy() {
    return storeHealthy;
  }

  /** Bytes in the journal's segment files: grows while the store is behind or failing. */
  public long journalBytes() {
    UsageJournal j = journal;
    return j == null ? 0 : j.sizeBytes();
  }

  public Stats stats() {
    UsageJournal j = journal;
    return new Stats(queueDepth(), journalBytes(), j == null ? 0 : j.segmentCount(),
        Math.max(0, journaled.get() - written.get() - deadLetteredLive.get()), storeHealthy, journalHealthy, written.get(), replayed.get(),
        dropped.get(), j == null ? 0 : j.skippedFrames(), deadLettered.get());
  }

  // ---------------------------------------------------------------------------------- journal thread

  /** Records in the journal's current group, in order (journal thread only). */
  private List<UsageRecord> unsynced = new ArrayList<>();

  private void runJournal() {
    List<UsageRecord> drained = new ArrayList<>(DRAIN);
    long interval = config.fsyncInterval().toNanos();
    long lastSync = System.nanoTime();
    try {
      while (true) {
        boolean stopping = !running;
        long wait = journal.unsyncedRecords() > 0 ? Math.max(0, lastSync + interval - System.nanoTime()) : IDLE_NANOS;
        UsageRecord first = stopping ? queue.poll() : take(wait);
        if (first != null) {
          drained.add(first);
          for (UsageRecord r; drained.size() < DRAIN && (r = queue.poll()) != null; ) {
            drained.add(r);
          }
          queued.addAndGet(-drained.size());
          for (UsageRecord r : drained) {
            journalOne(r);
          }
          drained.clear();
          writeOut();
          if (!stopping && journal.unsyncedRecords() > 0) {
            // Let the next records gather before draining again: under load one wake-up and one write(2) per
            // COALESCE, not one per request (each would preempt an event loop pinned to the same core).
            LockSupport.parkNanos(this, COALESCE_NANOS);
          }
        }
        if (journal.unsyncedRecords() > 0 && (stopping || System.nanoTime() - lastSync >= interval)) {
          syncOut();
          lastSync = System.nanoTime();
        }
        if (stopping && first == null && journal.unsyncedRecords() == 0) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      log.error("usage journal thread failed; usage records are no longer journaled", e);
      journalHealthy = false;
    } finally {
      journalStopped.countDown();
      wakeStore();
    }
  }

  /** The next queued record, waiting up to {@code nanos} for one; null when none came. */
  private UsageRecord take(long nanos) throws InterruptedException {
    UsageRecord r = queue.poll();
    if (r != null || nanos <= 0) {
      return r;
    }
    journalParked = true; // before the re-check: a record offered after it unparks us
    try {
      r = queue.poll();
      if (r == null) {
        LockSupport.parkNanos(this, nanos);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        r = queue.poll();
      }
      return r;
    } finally {
      journalParked = false;
    }
  }

  private void journalOne(UsageRecord r) throws InterruptedException {
    try {
      if (journal.append(r)) {
        unsynced.add(r);
        return;
      }
      syncOut(); // the group buffer is full: a bigger group than the interval would make
      if (journal.append(r)) {
        unsynced.add(r);
      } else {
        dropped.incrementAndGet();
        enqueued.decrementAndGet();
      }
    } catch (IllegalArgumentException e) {
      dropped.incrementAndGet();
      enqueued.decrementAndGet();
      log.error("usage record dropped: {}", e.getMessage());
    }
  }

  /** Hands the group to the kernel now, so that a crash of the process alone loses nothing. */
  private void writeOut() throws InterruptedException {
    try {
      journal.write();
    } catch (IOException e) {
      syncOut(); // recovers
    }
  }

  /** Syncs the group, retrying with backoff in a fresh segment while the disk fails. */
  private void syncOut() throws InterruptedException {
    long backoff = 50;
    while (true) {
      int records = journal.unsyncedRecords();
      try {
        journal.sync(this::handOff);
        journaled.addAndGet(records);
        if (!journalHealthy) {
          log.info("usage journal in {} is writable again", journalDir);
          journalHealthy = true;
        }
        wakeStore();
        return;
      } catch (IOException e) {
        if (journalHealthy) {
          log.error("usage journal write failed in {}; retrying: {}", journalDir, e.toString());
        }
        journalHealthy = false;
        if (System.nanoTime() > stopDeadline) {
          log.error("stopping with {} usage record(s) not journaled", records + queueDepth());
          unsynced.clear();
          journal.discardUnsynced();
          return;
        }
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, tuning.maxBackoff().toMillis());
        try {
          journal.recover();
        } catch (IOException again) {
          log.debug("usage journal recovery failed: {}", again.toString());
        }
      }
    }
  }

  /** Gives the store thread the synced records in memory, unless it is too far behind to take them soon. */
  private void handOff(UsageJournal.Synced where) {
    List<UsageRecord> records = unsynced;
    unsynced = new ArrayList<>(Math.max(16, records.size()));
    if (records.isEmpty() || records.size() != where.ends().length) {
      return;
    }
    int limit = tuning.handoffLimit() > 0 ? tuning.handoffLimit() : config.queueCapacity();
    if (handoffRecords.get() + records.size() <= limit) {
      handoffRecords.addAndGet(records.size());
      handoff.add(new Group(where, records));
    }
  }

  private void wakeStore() {
    synchronized (synced) {
      syncCount++;
      synced.notifyAll();
    }
  }

  // ---------------------------------------------------------------------------------- store thread

  private void runStore() {
    long liveSegment = journal.firstLiveSegment();
    int batchSize = config.batchSize();
    long flushNanos = config.flushInterval().toNanos();
    List<UsageRecord> batch = new ArrayList<>(batchSize);
    Position cursor = journal.replayStart();
    int liveInBatch = 0;
    boolean dedupe = false;
    long batchDeadline = 0;
    long backoff = 100;
    long lastCheckpoint = System.nanoTime();
    Position checkpointed = cursor;
    try {
      while (true) {
        long seen = syncCount;
        boolean journalDone = journalStopped.getCount() == 0;
        // Fill the batch from whatever is durable.
        boolean progressed = false;
        while (batch.size() < batchSize) {
          int before = batch.size();
          Position next = fromMemory(cursor, batch);
          if (next == null) {
            next = readJournal(cursor, batchSize - before, batch);
          }
          if (batch.size() > before) {
            if (before == 0) {
              batchDeadline = System.nanoTime() + flushNanos;
            }
            if (cursor.segment() >= liveSegment) {
              liveInBatch += batch.size() - before;
            } else {
              dedupe = true; // replay: part of it may be stored already
            }
          }
          if (next.equals(cursor)) {
            break;
          }
          progressed = true;
          cursor = next;
        }
        boolean replaying = cursor.segment() < liveSegment;
        caughtUp = batch.isEmpty() && cursor.equals(journal.durable());
        if (batch.isEmpty()) {
          if (!replaying) {
            replayDone.countDown();
          }
          if (!running && journalDone && caughtUp) {
            return;
          }
          if (System.nanoTime() - lastCheckpoint > CHECKPOINT_EVERY.toNanos() && !cursor.equals(checkpointed)) {
            journal.deleteBefore(cursor.segment());
            journal.checkpoint(cursor);
            checkpointed = cursor;
            lastCheckpoint = System.nanoTime();
          }
          if (!progressed) {
            awaitSync(seen, IDLE_NANOS);
          }
          continue;
        }
        boolean due = batch.size() >= batchSize || dedupe || !running || System.nanoTime() >= batchDeadline;
        if (!due) {
          awaitSync(seen, batchDeadline - System.nanoTime());
          continue;
        }
        int deadLetteredNow = 0;
        RuntimeException failure = null;
        try {
          if (dedupe) {
            store.appendIfAbsent(batch);
          } else {
            store.append(batch);
          }
        } catch (RuntimeException e) {
          failure = e;
          // a data error: the store is up and refused some records; the rest is stored, those are dead-lettered
          deadLetteredNow = dataError(e) ? settle(batch, batch.size() - liveInBatch, e) : -1;
        }
        if (deadLetteredNow < 0) {
          if (storeHealthy) {
            log.error("usage store write failed; the journal keeps {} record(s) and more, retrying: {}", batch.size(), String.valueOf(failure));
          }
          storeHealthy = false;
          dedupe = true; // the failed write may have landed in part
          if (replaying || batch.size() > liveInBatch) {
            replayDone.countDown(); // serve while the store is down; the replay goes on here
          }
          if (!running && System.nanoTime() > stopDeadline) {
            log.warn("stopping with the store failing; {} journal byte(s) in {} will be replayed on the next start",
                journal.sizeBytes(), journalDir);
            return;
          }
          sleep(backoff, stopDeadline);
          backoff = Math.min(backoff * 2, tuning.maxBackoff().toMillis());
          continue;
        }
        written.addAndGet(liveInBatch - deadLetteredNow);
        replayed.addAndGet(batch.size() - liveInBatch);
        batch.clear();
        liveInBatch = 0;
        dedupe = false;
        backoff = 100;
        if (!storeHealthy) {
          log.info("usage store is writable again");
          storeHealthy = true;
        }
        if (cursor.segment() > checkpointed.segment()
            || System.nanoTime() - lastCheckpoint > CHECKPOINT_EVERY.toNanos()) {
          journal.deleteBefore(cursor.segment());
          journal.checkpoint(cursor);
          checkpointed = cursor;
          lastCheckpoint = System.nanoTime();
        }
      }
    } catch (RuntimeException | Error e) {
      log.error("usage store thread failed; records stay in the journal {} for the next start", journalDir, e);
      storeHealthy = false;
    } finally {
      if (!cursor.equals(checkpointed) && batch.isEmpty()) {
        journal.deleteBefore(cursor.segment());
        journal.checkpoint(cursor);
      }
      replayDone.countDown();
      storeStopped.countDown();
    }
  }

  /**
   * A batch failed with a data error (SQLSTATE class 22 or 23, DuckDB's conversion, invalid-input and constraint
   * errors): the store is up and refuses some of its records (PostgreSQL rejects a NUL character in text, for
   * example). Bisects the batch, stores every part the store takes, and moves each record it refuses on its own
   * to the dead-letter file, so that one bad record cannot stall the ledger. Any other error on the way (the
   * store went down meanwhile) stops the bisection: the batch is retried later, idempotently.
   *
   * @param liveFrom records from this index on were recorded by this run (before it: replayed)
   * @param error the batch's own failure: the batch is split at once, not written whole a second time
   * @return how many live records went to the dead-letter file, or -1 when the batch is to be retried
   */
  private int settle(List<UsageRecord> batch, int liveFrom, RuntimeException error) {
    List<Refused> refused = new ArrayList<>();
    try {
      split(batch, 0, refused, error);
    } catch (StoreDown e) {
      return -1;
    }
    int live = 0;
    for (Refused f : refused) {
      deadLetter(f.record(), f.error());
      if (f.index() >= liveFrom) {
        live++;
        deadLetteredLive.incrementAndGet();
      }
    }
    return live;
  }

  private record Refused(int index, UsageRecord record, RuntimeException error) {}

  private void settle(List<UsageRecord> part, int offset, List<Refused> refused) {
    try {
      store.appendIfAbsent(part);
    } catch (RuntimeException e) {
      if (!dataError(e)) {
        throw new StoreDown();
      }
      split(part, offset, refused, e);
    }
  }

  /** {@code part} failed with the data error {@code e}: a single record is refused, more are settled by halves. */
  private void split(List<UsageRecord> part, int offset, List<Refused> refused, RuntimeException e) {
    if (part.size() == 1) {
      refused.add(new Refused(offset, part.getFirst(), e));
      return;
    }
    int mid = part.size() / 2;
    settle(part.subList(0, mid), offset, refused);
    settle(part.subList(mid, part.size()), offset + mid, refused);
  }

  /** The messages of an exception and its causes, outermost first (the store's own error is usually the last). */
  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null && out.length() < 2_000; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && out.indexOf(m) < 0) {
        out.append(out.isEmpty() ? "" : " <- ").append(m);
      }
    }
    return out.isEmpty() ? e.getClass().getName() : out.toString();
  }

  /** SQLSTATE class 22 (data exception) or 23 (integrity constraint), or DuckDB's equivalents, anywhere in the chain. */
  static boolean dataError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
        return true;
      }
      String m = String.valueOf(t.getMessage());
      if (m.contains("Conversion Error") || m.contains("Invalid Input Error") || m.contains("Constraint Error")) {
        return true;
      }
    }
    return false;
  }

  /** Thrown inside {@link #settle} when the store went down during it. */
  private static final class StoreDown extends RuntimeException {
    StoreDown() {
      super(null, null, false, false);
    }
  }

  /**
   * Appends a refused record to {@code dead-letter.jsonl} in the journal directory (the record as the usage
   * API renders it, the time and the store's error), fsynced, so that it is not lost and can be fixed and
   * re-imported by hand.
   */
  private void deadLetter(UsageRecord r, RuntimeException error) {
    deadLettered.incrementAndGet();
    log.error("usage record {} (attempt {}) refused by the store; moved to {}: {}", r.requestId(), r.attempt(),
        journalDir.resolve(DEAD_LETTER_FILE), describe(error));
    com.fasterxml.jackson.databind.node.ObjectNode line = dev.tollgate.common.Json.object()
        .put("failed_at", java.time.Instant.now().toString()).put("error", describe(error));
    line.set("record", UsageRoutes.render(r));
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(journalDir.resolve(DEAD_LETTER_FILE),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(false);
    } catch (IOException e) {
      log.error("cannot write the dead-letter file {}; record {} is only in this log line: {}",
          journalDir.resolve(DEAD_LETTER_FILE), r.requestId(), line);
    }
  }

  /** Reads the journal files; a read error is logged and retried, a segment that vanished is skipped. */
  private Position readJournal(Position cursor, int max, List<UsageRecord> batch) {
    try {
      return journal.read(cursor, max, batch);
    } catch (java.nio.file.NoSuchFileException e) {
      log.error("usage journal segment {} disappeared; its records after offset {} are lost", e.getFile(), cursor.offset());
      return journal.skipSegment(cursor);
    } catch (IOException e) {
      log.error("cannot read the usage journal in {}; retrying: {}", journalDir, e.toString());
      sleep(1_000, stopDeadline);
      return cursor;
    }
  }

  /**
   * Takes the records at {@code cursor} from the hand-off when it has them (dropping groups the files
   * already gave); null when they must be read from the journal files.
   */
  private Position fromMemory(Position cursor, List<UsageRecord> batch) {
    Group g;
    while ((g = handoff.peek()) != null) {
      UsageJournal.Synced w = g.where();
      if (w.segment() < cursor.segment() || w.segment() == cursor.segment() && w.end() <= cursor.offset()) {
        handoff.poll();
        handoffRecords.addAndGet(-g.records().size());
        continue;
      }
      break;
    }
    if (g == null || g.where().segment() != cursor.segment() || cursor.offset() < g.where().start()) {
      return null;
    }
    UsageJournal.Synced w = g.where();
    int from = 0;
    if (cursor.offset() > w.start()) {
      int k = Arrays.binarySearch(w.ends(), (int) (cursor.offset() - w.start()));
      if (k < 0) {
        return null;
      }
      from = k + 1;
    }
    handoff.poll();
    handoffRecords.addAndGet(-g.records().size());
    batch.addAll(from == 0 ? g.records() : g.records().subList(from, g.records().size()));
    return new Position(w.segment(), w.end());
  }

  private void awaitSync(long seen, long nanos) {
    if (nanos <= 0) {
      return;
    }
    synchronized (synced) {
      if (syncCount == seen && (running || journalStopped.getCount() > 0)) {
        try {
          TimeUnit.NANOSECONDS.timedWait(synced, nanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Backoff between store retries; shortened to the stop deadline once closing. */
  private static void sleep(long millis, long stopDeadline) {
    long left = stopDeadline == Long.MAX_VALUE ? millis : Math.min(millis, (stopDeadline - System.nanoTime()) / 1_000_000);
    try {
      Thread.sleep(Math.max(1, left));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Journals what is queued, gives the store up to 10 s to take everything, and closes the journal. What
   * the store did not take stays in the journal for the next start.
   */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    stopDeadline = System.nanoTime() + tuning.stopTimeout().toNanos();
    running = false;
    LockSupport.unpark(journalThread);
    wakeStore();
    try {
      if (journal == null) {
        return;
      }
      journalStopped.await(tuning.stopTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
      wakeStore();
      if (!storeStopped.await(tuning.stopTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
        storeThread.interrupt();
        storeStopped.await(1, TimeUnit.SECONDS);
      }
      boolean stored = caughtUp && journalStopped.getCount() == 0 && storeStopped.getCount() == 0;
      journal.close(stored);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
