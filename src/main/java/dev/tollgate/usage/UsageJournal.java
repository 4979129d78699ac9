package dev.tollgate.usage;

import dev.tollgate.common.ConfigException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage journal: a directory of append-only segment files {@code 00000000000000000042.journal}.
 * A segment is an 8-byte header ({@code TGJ1}, format version) followed by frames
 * {@code [u32 length][u32 crc32c(length, payload)][payload]}, the payload being {@link JournalCodec}'s.
 *
 * <p>One writer thread appends frames to an in-memory group, {@link #write() writes} them to the live
 * segment as they come and {@link #sync() syncs} the group with one fsync; only then does the group
 * become readable ({@link #durable()}). One reader thread {@link #read reads} durable frames into the
 * store and {@link #deleteBefore deletes} segments the store holds. A segment is sealed when it passes
 * the segment size; a process never appends to a segment an earlier process wrote.
 *
 * <p>Reading tolerates a crash: a frame cut short at the end of a segment (a torn write) or whose CRC
 * does not match is skipped, and reading resumes at the next valid frame.
 *
 * <p>{@code checkpoint} holds the position up to which the store is known to hold every record; it is a
 * hint that shortens the replay and is written after the store commits, so it can lag but never lead.
 */
final class UsageJournal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UsageJournal.class);

  static final int MAGIC = 0x54474A31; // "TGJ1"
  static final int VERSION = 1;
  static final int HEADER_BYTES = 8;
  static final int FRAME_HEADER_BYTES = 8;
  static final int MAX_RECORD_BYTES = 1 << 20;
  static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
  private static final int INITIAL_BUFFER_BYTES = 1 << 20;
  private static final int MAX_BUFFER_BYTES = 32 << 20;
  private static final Pattern SEGMENT = Pattern.compile("(\\d{20})\\.journal");
  private static final String CHECKPOINT = "checkpoint";

  /** A place in the journal: a segment id and a byte offset in it. */
  record Position(long segment, long offset) {}

  /**
   * Where a synced group landed: its first frame starts at {@code start} of {@code segment}, and frame
   * {@code i} ends {@code ends[i]} bytes after {@code start}.
   */
  record Synced(long segment, long start, int[] ends) {
    long end() {
      return ends.length == 0 ? start : start + ends[ends.length - 1];
    }
  }

  private final Path dir;
  private final long segmentBytes;
  private final FileChannel lockChannel;
  private final FileLock lock;
  /** Sealed segments and how many of their bytes are readable; the live segment is not in here. */
  private final ConcurrentSkipListMap<Long, Long> sealed = new ConcurrentSkipListMap<>();
  private final AtomicLong totalBytes = new AtomicLong();
  private final AtomicLong skippedFrames = new AtomicLong();
  private final Position replayStart;
  private final long firstLiveSegment;
  private final CRC32C writeCrc = new CRC32C();
  private final CRC32C readCrc = new CRC32C();
  private final JournalCodec.StringCache readStrings = new JournalCodec.StringCache();

  // Writer-thread state.
  private FileChannel live;
  private long liveId;
  private long liveLength;
  /** The unsynced group's frames. On the heap: encoding byte by byte into a direct buffer costs twice as much. */
  private ByteBuffer group = ByteBuffer.allocate(INITIAL_BUFFER_BYTES);
  private int groupWritten;
  private int groupRecords;
  private int[] groupEnds = new int[1024];

  private volatile Position durable;

  private UsageJournal(Path dir, long segmentBytes, FileChannel lockChannel, FileLock lock, Position replayStart,
                       long firstLiveSegment) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.replayStart = replayStart;
    this.firstLiveSegment = firstLiveSegment;
  }

  /**
   * Opens (creating it if needed) and locks the journal directory, drops segments the checkpoint says
   * are stored, and starts a new live segment after the existing ones.
   */
  static UsageJournal open(Path dir, long segmentBytes) throws IOException {
    if (segmentBytes < 4096) {
      throw new IllegalArgumentException("segmentBytes: " + segmentBytes + " (expected: >= 4096)");
    }
    Path abs = dir.toAbsolutePath();
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new ConfigException("usage.journal-dir", abs.toString(), "a directory that can be created (" + e + ")");
    }
    FileChannel lockChannel = FileChannel.open(abs.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new ConfigException("usage.journal-dir", abs.toString(), "a directory no other Tollgate process is using");
    }
    try {
      return openLocked(abs, segmentBytes, lockChannel, lock);
    } catch (IOException | RuntimeException e) {
      lock.release();
      lockChannel.close();
      throw e;
    }
  }

  private static UsageJournal openLocked(Path dir, long segmentBytes, FileChannel lockChannel, FileLock lock) throws IOException {
    ConcurrentSkipListMap<Long, Long> found = new ConcurrentSkipListMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Matcher m = SEGMENT.matcher(p.getFileName().toString());
        if (m.matches()) {
          found.put(Long.parseLong(m.group(1)), Files.size(p));
        }
      }
    }
    Optional<Position> checkpoint = readCheckpoint(dir);
    long maxId = Math.max(found.isEmpty() ? 0 : found.lastKey(), checkpoint.map(Position::segment).orElse(0L));
    Position start = null;
    UsageJournal j;
    ConcurrentSkipListMap<Long, Long> kept = new ConcurrentSkipListMap<>();
    for (var e : found.entrySet()) {
      long id = e.getKey();
      if (checkpoint.isPresent() && id < checkpoint.get().segment()) {
        Files.deleteIfExists(segmentPath(dir, id)); // stored before the last run stopped
        continue;
      }
      if (!validHeader(segmentPath(dir, id), e.getValue())) {
        continue;
      }
      kept.put(id, e.getValue());
      if (start == null) {
        start = checkpoint.isPresent() && checkpoint.get().segment() == id ? checkpoint.get() : new Position(id, HEADER_BYTES);
      }
    }
    j = new UsageJournal(dir, segmentBytes, lockChannel, lock, start == null ? new Position(maxId + 1, HEADER_BYTES) : start, maxId + 1);
    j.sealed.putAll(kept);
    j.totalBytes.addAndGet(kept.values().stream().mapToLong(Long::longValue).sum());
    j.live = j.create(maxId + 1);
    j.liveId = maxId + 1;
    j.liveLength = HEADER_BYTES;
    j.durable = new Position(j.liveId, HEADER_BYTES);
    if (!j.sealed.isEmpty()) {
      log.info("usage journal {}: {} segment(s), {} bytes to replay from {}", dir, j.sealed.size(),
          j.sealed.values().stream().mapToLong(Long::longValue).sum(), j.replayStart);
    }
    return j;
  }

  /** Renames a segment whose header is not ours out of the way, so that nothing reads or deletes it. */
  private static boolean validHeader(Path p, long size) throws IOException {
    if (size < HEADER_BYTES) {
      return true; // created just before a crash: read as empty, deleted once passed
    }
    ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      while (h.hasRemaining() && ch.read(h) >= 0) {
        // fill
      }
    }
    if (h.getInt(0) == MAGIC && h.getInt(4) == VERSION) {
      return true;
    }
    Path aside = p.resolveSibling(p.getFileName() + ".unreadable");
    log.error("usage journal segment {} has an unknown header; moved to {} and not replayed", p, aside);
    Files.move(p, aside, StandardCopyOption.REPLACE_EXISTING);
    return false;
  }

  // ---------------------------------------------------------------------------------- writer thread

  /**
   * Adds a record to the current group (not yet written).
   *
   * @return false when the group is full: {@link #sync()} first
   * @throws IllegalArgumentException when the record alone is larger than {@link #MAX_RECORD_BYTES}
   */
  boolean append(UsageRecord r) {
    int start = group.position();
    while (true) {
      if (group.capacity() - start >= FRAME_HEADER_BYTES) {
        try {
          group.position(start + FRAME_HEADER_BYTES);
          JournalCodec.encode(r, group);
          break;
        } catch (BufferOverflowException e) {
          group.position(start);
        }
      }
      if (!grow()) {
        if (start == 0) {
          throw new IllegalArgumentException("usage record " + r.requestId() + ": larger than " + MAX_BUFFER_BYTES + " bytes");
        }
        return false;
      }
    }
    int length = group.position() - start - FRAME_HEADER_BYTES;
    if (length > MAX_RECORD_BYTES) {
      group.position(start);
      throw new IllegalArgumentException("usage record " + r.requestId() + ": " + length + " bytes (expected: <= " + MAX_RECORD_BYTES + ")");
    }
    group.putInt(start, length);
    group.putInt(start + 4, crc(writeCrc, group, start, length));
    if (groupRecords == groupEnds.length) {
      groupEnds = Arrays.copyOf(groupEnds, groupEnds.length * 2);
    }
    groupEnds[groupRecords++] = group.position();
    return true;
  }

  private boolean grow() {
    if (group.capacity() >= MAX_BUFFER_BYTES) {
      return false;
    }
    ByteBuffer bigger = ByteBuffer.allocate(Math.min(group.capacity() * 2, MAX_BUFFER_BYTES));
    bigger.put(group.duplicate().flip());
    group = bigger;
    return true;
  }

  /** Records appended since the last successful sync. */
  int unsyncedRecords() {
    return groupRecords;
  }

  /** Hands the group's unwritten frames to the operating system (no fsync): a crash of the process no longer loses them. */
  void write() throws IOException {
    int end = group.position();
    if (groupWritten == end) {
      return;
    }
    ByteBuffer out = group.duplicate().limit(end).position(groupWritten);
    long at = liveLength;
    while (out.hasRemaining()) {
      at += live.write(out, at);
    }
    totalBytes.addAndGet(end - groupWritten);
    liveLength = at;
    groupWritten = end;
  }

  /**
   * Writes and fsyncs the group, publishes it to the reader and starts a new segment when this one is
   * full. On failure the group is kept: {@link #recover()} and try again.
   *
   * @param onSynced told where the group's frames are, after the fsync and before readers can see them
   */
  void sync(java.util.function.Consumer<Synced> onSynced) throws IOException {
    write();
    if (groupRecords == 0) {
      return;
    }
    live.force(false);
    Synced synced = new Synced(liveId, liveLength - group.position(), Arrays.copyOf(groupEnds, groupRecords));
    group.clear();
    groupWritten = 0;
    groupRecords = 0;
    onSynced.accept(synced);
    durable = new Position(liveId, liveLength);
    if (liveLength >= segmentBytes) {
      try {
        roll(liveLength);
      } catch (IOException e) {
        log.warn("cannot start a new usage journal segment in {} ({}); the current one keeps growing", dir, e.toString());
      }
    }
  }

  /** {@link #sync(java.util.function.Consumer)} for callers that do not need to know where the frames are. */
  void sync() throws IOException {
    sync(synced -> { });
  }

  /** Gives up the unsynced group (stopping with a disk that keeps failing). */
  void discardUnsynced() {
    group.clear();
    groupWritten = 0;
    groupRecords = 0;
  }

  /**
   * After a failed write or fsync: what the kernel did with the unsynced bytes is unknown, so the live
   * segment is sealed at its last good sync and the whole group goes again into a fresh segment.
   */
  void recover() throws IOException {
    roll(durable.offset());
    groupWritten = 0;
  }

  private void roll(long readableLength) throws IOException {
    long nextId = liveId + 1;
    FileChannel next = create(nextId);
    sealed.put(liveId, readableLength);
    try {
      live.close();
    } catch (IOException e) {
      log.warn("closing usage journal segment {}: {}", liveId, e.toString());
    }
    live = next;
    liveId = nextId;
    liveLength = HEADER_BYTES;
    durable = new Position(liveId, HEADER_BYTES);
  }

  private FileChannel create(long id) throws IOException {
    FileChannel ch = FileChannel.open(segmentPath(dir, id), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    try {
      ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(VERSION).flip();
      while (h.hasRemaining()) {
        ch.write(h, h.position());
      }
      ch.force(true);
      forceDirectory();
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    totalBytes.addAndGet(HEADER_BYTES);
    return ch;
  }

  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // not supported on every platform; the segment's own fsync still covers its bytes
    }
  }

  // ---------------------------------------------------------------------------------- reader thread

  /** Where the replay of earlier runs starts (the live segment's start when there is nothing to replay). */
  Position replayStart() {
    return replayStart;
  }

  /** The first segment this process writes: positions before it are replay. */
  long firstLiveSegment() {
    return firstLiveSegment;
  }

  /** The end of what is synced and readable. */
  Position durable() {
    return durable;
  }

  /**
   * Reads up to {@code max} records of one segment from {@code at}, skipping torn and corrupt frames.
   *
   * @return where the next read starts: after the records read, or the start of the next segment once
   *     this one is sealed and read to its end; {@code at} itself when there is nothing new
   */
  Position read(Position at, int max, List<UsageRecord> out) throws IOException {
    Position d = durable;
    long segment = at.segment();
    long bound;
    if (segment == d.segment()) {
      bound = d.offset();
    } else {
      Long length = sealed.get(segment);
      bound = length == null ? 0 : length; // null: already deleted
    }
    if (at.offset() >= bound) {
      if (segment == d.segment()) {
        return at;
      }
      Long next = sealed.higherKey(segment);
      return new Position(next == null ? d.segment() : next, HEADER_BYTES);
    }
    try (Arena arena = Arena.ofConfined();
         FileChannel ch = FileChannel.open(segmentPath(dir, segment), StandardOpenOption.READ)) {
      long end = Math.min(bound, ch.size());
      if (end <= at.offset()) {
        return segment == d.segment() ? at : new Position(segment, bound);
      }
      MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, at.offset(), end - at.offset(), arena);
      ByteBuffer window = mapped.asByteBuffer();
      int consumed = parse(window, max, out, segment, at.offset());
      long reached = at.offset() + consumed;
      if (reached >= end && end < bound) {
        reached = bound; // the file is shorter than recorded: nothing more to find in it
      }
      return new Position(segment, reached);
    }
  }

  /** The start of the segment after {@code at}'s (the live one when {@code at} is in the last sealed one). */
  Position skipSegment(Position at) {
    Position d = durable;
    if (at.segment() >= d.segment()) {
      return d;
    }
    Long next = sealed.higherKey(at.segment());
    return new Position(next == null ? d.segment() : next, HEADER_BYTES);
  }

  /** Parses frames from the window; returns the bytes consumed, always ending on a frame boundary or the window's end. */
  int parse(ByteBuffer window, int max, List<UsageRecord> out, long segment, long base) {
    int n = window.limit();
    int p = 0;
    int added = 0;
    while (p < n && added < max) {
      int frame = frameAt(window, p, n);
      if (frame > 0) {
        try {
          out.add(JournalCodec.decode(window.slice(p + FRAME_HEADER_BYTES, frame - FRAME_HEADER_BYTES), readStrings));
          added++;
        } catch (RuntimeException e) {
          skippedFrames.incrementAndGet();
          log.error("usage journal segment {} offset {}: a record passes its CRC but does not decode ({}); skipped",
              segment, base + p, e.toString());
        }
        p += frame;
        continue;
      }
      int q = p + 1;
      while (q < n && frameAt(window, q, n) < 0) {
        q++;
      }
      if (q < n) {
        skippedFrames.incrementAndGet();
        log.error("usage journal segment {} offset {}: {} corrupt byte(s) skipped (bad length or CRC)", segment, base + p, q - p);
      } else {
        log.warn("usage journal segment {} offset {}: {} byte(s) of a torn last record skipped (written during a crash)",
            segment, base + p, q - p);
      }
      p = q;
    }
    return p;
  }

  /** The length of the valid frame at {@code p}, or -1. */
  private int frameAt(ByteBuffer w, int p, int n) {
    if (n - p < FRAME_HEADER_BYTES) {
      return -1;
    }
    int length = w.getInt(p);
    if (length < 1 || length > MAX_RECORD_BYTES || length > n - p - FRAME_HEADER_BYTES) {
      return -1;
    }
    return crc(readCrc, w, p, length) == w.getInt(p + 4) ? FRAME_HEADER_BYTES + length : -1;
  }

  private static int crc(CRC32C crc, ByteBuffer b, int frame, int length) {
    crc.reset();
    crc.update(b.slice(frame, 4));
    crc.update(b.slice(frame + FRAME_HEADER_BYTES, length));
    return (int) crc.getValue();
  }

  /** Deletes the sealed segments before {@code segment}: the store holds all their records. */
  void deleteBefore(long segment) {
    for (Long id = sealed.isEmpty() ? null : sealed.firstKey(); id != null && id < segment; id = sealed.higherKey(id)) {
      sealed.remove(id);
      Path p = segmentPath(dir, id);
      try {
        long size = Files.exists(p) ? Files.size(p) : 0;
        Files.deleteIfExists(p);
        totalBytes.addAndGet(-size);
      } catch (IOException e) {
        log.warn("cannot delete stored usage journal segment {}: {}", p, e.toString());
      }
    }
  }

  /** Records that the store holds everything before {@code p}. Not fsynced: a lost checkpoint only lengthens a replay. */
  void checkpoint(Position p) {
    ByteBuffer b = ByteBuffer.allocate(20).putLong(p.segment()).putLong(p.offset());
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 16);
    b.putInt((int) crc.getValue());
    Path tmp = dir.resolve(CHECKPOINT + ".tmp");
    try {
      Files.write(tmp, b.array());
      Files.move(tmp, dir.resolve(CHECKPOINT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("cannot write the usage journal checkpoint in {}: {}", dir, e.toString());
    }
  }

  static Optional<Position> readCheckpoint(Path dir) {
    Path p = dir.resolve(CHECKPOINT);
    try {
      if (!Files.exists(p)) {
        return Optional.empty();
      }
      byte[] bytes = Files.readAllBytes(p);
      if (bytes.length == 20) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 16);
        if ((int) crc.getValue() == b.getInt(16)) {
          return Optional.of(new Position(b.getLong(0), b.getLong(8)));
        }
      }
      log.warn("usage journal checkpoint {} is unreadable; replaying every segment", p);
    } catch (IOException e) {
      log.warn("cannot read the usage journal checkpoint {}: {}; replaying every segment", p, e.toString());
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------------------------- any thread

  Path dir() {
    return dir;
  }

  /** Bytes in the segment files. */
  long sizeBytes() {
    return totalBytes.get();
  }

  int segmentCount() {
    return sealed.size() + 1;
  }

  /** Frames skipped because they were corrupt or did not decode (torn tails are not counted). */
  long skippedFrames() {
    return skippedFrames.get();
  }

  static Path segmentPath(Path dir, long id) {
    return dir.resolve(String.format("%020d.journal", id));
  }

  /**
   * Closes the live segment; when {@code stored} is true (the store holds everything) it is deleted and
   * the checkpoint moves past it.
   */
  void close(boolean stored) {
    try {
      live.close();
      if (stored && sealed.isEmpty()) {
        Position end = new Position(liveId, liveLength);
        Path p = segmentPath(dir, liveId);
        long size = Files.size(p);
        Files.delete(p);
        totalBytes.addAndGet(-size);
        checkpoint(end);
      }
    } catch (IOException e) {
      log.warn("closing the usage journal in {}: {}", dir, e.toString());
    } finally {
      try {
        lock.release();
        lockChannel.close();
      } catch (IOException e) {
        log.warn("releasing the usage journal lock in {}: {}", dir, e.toString());
      }
    }
  }

  @Override
  public void close() {
    close(false);
  }
}
