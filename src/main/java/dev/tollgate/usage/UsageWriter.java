package dev.tollgate.usage;

import static java.util.Objects.requireNonNull;

import dev.tollgate.config.TollgateConfig.UsageConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes usage records off the request path: a bounded queue drained by one writer thread that hands
 * batches to the {@link UsageStore}. A failed batch is kept and retried with backoff; the gateway keeps
 * serving meanwhile.
 */
public final class UsageWriter implements UsageSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UsageWriter.class);

  private final UsageStore store;
  private final UsageConfig config;
  private final BlockingQueue<UsageRecord> queue;
  private final Thread thread;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong enqueued = new AtomicLong();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean storeHealthy = true;

  public UsageWriter(UsageStore store, UsageConfig config) {
    this.store = requireNonNull(store, "store");
    this.config = requireNonNull(config, "config");
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    this.thread = Thread.ofPlatform().name("tollgate-usage-writer").daemon(true).unstarted(this::run);
  }

  public UsageWriter start() {
    thread.start();
    return this;
  }

  @Override
  public void record(UsageRecord record) {
    if (queue.offer(record)) {
      enqueued.incrementAndGet();
      return;
    }
    long n = dropped.incrementAndGet();
    if (Long.bitCount(n) == 1) { // log at 1, 2, 4, 8 ... drops, not once per record
      log.warn("usage queue full ({} records); {} record(s) dropped so far (usage.queue-capacity)", config.queueCapacity(), n);
    }
  }

  /** Waits until every record enqueued before this call is in the store, or the timeout passes. */
  public boolean flush(Duration timeout) throws InterruptedException {
    long target = enqueued.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (written.get() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  public long writtenCount() {
    return written.get();
  }

  public long droppedCount() {
    return dropped.get();
  }

  public int queueDepth() {
    return queue.size();
  }

  public boolean storeHealthy() {
    return storeHealthy;
  }

  private void run() {
    List<UsageRecord> batch = new ArrayList<>(config.batchSize());
    long backoffMillis = 100;
    try {
      while (running || !queue.isEmpty() || !batch.isEmpty()) {
        if (batch.isEmpty()) {
          UsageRecord first = queue.poll(config.flushInterval().toMillis(), TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, config.batchSize() - 1);
        }
        try {
          store.append(batch);
          written.addAndGet(batch.size());
          batch.clear();
          backoffMillis = 100;
          if (!storeHealthy) {
            log.info("usage store is writable again");
          }
          storeHealthy = true;
        } catch (RuntimeException e) {
          if (storeHealthy) {
            log.error("usage store write failed; keeping {} record(s) and retrying: {}", batch.size(), e.toString());
          }
          storeHealthy = false;
          if (!running) {
            log.error("shutting down with {} unwritten usage record(s) in memory", batch.size() + queue.size());
            return;
          }
          Thread.sleep(backoffMillis);
          backoffMillis = Math.min(backoffMillis * 2, 5_000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      if (!stopped.await(10, TimeUnit.SECONDS)) {
        thread.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
