package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.common.ConfigException;
import dev.tollgate.usage.UsageJournal.Position;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageJournalTest {
  @TempDir
  Path dir;

  @Test
  void codec_roundTrip_keepsEveryField() {
    UsageRecord bare = new UsageRecord("r", 0, java.time.Instant.EPOCH, Optional.empty(), java.time.Instant.EPOCH, "",
        Optional.empty(), List.of(), "", "", "", "", false, TokenUsage.ZERO, 0, 0, Optional.empty(), Set.of());
    for (UsageRecord r : List.of(TestRecords.full(), TestRecords.plain("p", 7), bare)) {
      ByteBuffer buf = ByteBuffer.allocate(4096);
      JournalCodec.encode(r, buf);
      assertThat(JournalCodec.decode(buf.flip())).isEqualTo(r);
    }
  }

  @Test
  void codec_decodesFormat1Records_withoutPriceVersionOrBreakdown() {
    UsageRecord r = TestRecords.plain("old", 1);
    ByteBuffer buf = ByteBuffer.allocate(4096);
    JournalCodec.encode(r, buf);
    buf.flip();
    // a plain record ends with the breakdown count (0, format 2) and savedNanos (0, format 3): one byte each
    ByteBuffer v1 = ByteBuffer.allocate(buf.remaining() - 2);
    v1.put((byte) 1).put(buf.slice(1, buf.remaining() - 3)).flip();
    assertThat(JournalCodec.decode(v1)).isEqualTo(r);
  }

  @Test
  void codec_decodesFormat2Records_withoutAttribution() {
    UsageRecord r = TestRecords.plain("old", 2);
    ByteBuffer buf = ByteBuffer.allocate(4096);
    JournalCodec.encode(r, buf);
    buf.flip();
    ByteBuffer v2 = ByteBuffer.allocate(buf.remaining() - 1);
    v2.put((byte) 2).put(buf.slice(1, buf.remaining() - 2)).flip();
    assertThat(JournalCodec.decode(v2)).isEqualTo(r);
  }

  @Test
  void codec_givesEveryFlagItsOwnCode() {
    assertThat(EnumSet.allOf(UsageFlag.class).stream().map(JournalCodec::flagBit).distinct())
        .hasSize(UsageFlag.values().length)
        .allMatch(bit -> bit >= 0 && bit < 64);
  }

  @Test
  void journal_roundTrip_throughSegmentFiles() throws IOException {
    List<UsageRecord> written = new ArrayList<>(List.of(TestRecords.full()));
    IntStream.range(0, 500).mapToObj(i -> TestRecords.plain("rt", i)).forEach(written::add);
    writeAndClose(written, 1 << 20);

    try (UsageJournal j = UsageJournal.open(dir, 1 << 20)) {
      assertThat(readAll(j)).containsExactlyElementsOf(written);
      assertThat(j.skippedFrames()).isZero();
    }
  }

  @Test
  void tornLastRecord_isSkipped_andTheRecordsBeforeItSurvive() throws IOException {
    List<UsageRecord> written = IntStream.range(0, 100).mapToObj(i -> TestRecords.plain("torn", i)).toList();
    writeAndClose(written, 1 << 20);
    Path segment = onlySegment();
    // A crash in the middle of write(2): the frame header and part of the payload of one more record.
    byte[] frame = frameOf(TestRecords.plain("torn", 100));
    appendBytes(segment, java.util.Arrays.copyOf(frame, frame.length / 2));

    try (UsageJournal j = UsageJournal.open(dir, 1 << 20)) {
      assertThat(readAll(j)).containsExactlyElementsOf(written);
      assertThat(j.skippedFrames()).as("a torn tail is expected after a crash, not corruption").isZero();
    }
  }

  @Test
  void tornHeaderAndZeroFilledTail_areSkipped() throws IOException {
    List<UsageRecord> written = IntStream.range(0, 10).mapToObj(i -> TestRecords.plain("zero", i)).toList();
    writeAndClose(written, 1 << 20);
    appendBytes(onlySegment(), new byte[] {0, 0, 1}); // less than a frame header
    appendBytes(onlySegment(), new byte[4096]); // a file system that extended the file with zeros

    try (UsageJournal j = UsageJournal.open(dir, 1 << 20)) {
      assertThat(readAll(j)).containsExactlyElementsOf(written);
    }
  }

  @Test
  void corruptCrc_isDetected_andOnlyThatRecordIsSkipped() throws IOException {
    List<UsageRecord> written = IntStream.range(0, 50).mapToObj(i -> TestRecords.plain("crc", i)).toList();
    writeAndClose(written, 1 << 20);
    Path segment = onlySegment();
    long offset = UsageJournal.HEADER_BYTES;
    for (int i = 0; i < 20; i++) {
      offset += frameOf(written.get(i)).length;
    }
    flipByte(segment, offset + UsageJournal.FRAME_HEADER_BYTES + 5); // a payload byte of record 20

    try (UsageJournal j = UsageJournal.open(dir, 1 << 20)) {
      List<UsageRecord> read = readAll(j);
      List<UsageRecord> expected = new ArrayList<>(written);
      expected.remove(20);
      assertThat(read).containsExactlyElementsOf(expected);
      assertThat(j.skippedFrames()).isEqualTo(1);
    }
  }

  @Test
  void corruptLength_resyncsAtTheNextValidRecord() throws IOException {
    List<UsageRecord> written = IntStream.range(0, 30).mapToObj(i -> TestRecords.plain("len", i)).toList();
    writeAndClose(written, 1 << 20);
    Path segment = onlySegment();
    long offset = UsageJournal.HEADER_BYTES + frameOf(written.get(0)).length;
    flipByte(segment, offset + 1); // the length of record 1 now points far away

    try (UsageJournal j = UsageJournal.open(dir, 1 << 20)) {
      List<UsageRecord> expected = new ArrayList<>(written);
      expected.remove(1);
      assertThat(readAll(j)).containsExactlyElementsOf(expected);
      assertThat(j.skippedFrames()).isEqualTo(1);
    }
  }

  @Test
  void segments_rollAtTheSegmentSize_andAreDeletedOnceStored() throws IOException {
    List<UsageRecord> written = IntStream.range(0, 400).mapToObj(i -> TestRecords.plain("seg", i)).toList();
    try (UsageJournal j = UsageJournal.open(dir, 4096)) {
      for (UsageRecord r : written) {
        assertThat(j.append(r)).isTrue();
        if (r.requestId().endsWith("0")) {
          j.sync(); // a group every ten records
        }
      }
      j.sync();
      assertThat(segmentFiles()).hasSizeGreaterThan(3);
      long before = j.sizeBytes();
      assertThat(before).isEqualTo(allSegmentFiles().stream().mapToLong(UsageJournalTest::size).sum());

      // The reader takes the records in order across segments ...
      List<UsageRecord> read = new ArrayList<>();
      Position cursor = j.replayStart();
      Position next;
      while (!(next = j.read(cursor, 64, read)).equals(cursor)) {
        cursor = next;
      }
      assertThat(read).containsExactlyElementsOf(written);
      // ... and once the store holds them, the sealed segments go and only the live one stays.
      j.deleteBefore(cursor.segment());
      j.checkpoint(cursor);
      assertThat(allSegmentFiles()).hasSize(1);
      assertThat(j.sizeBytes()).isLessThan(before).isEqualTo(size(allSegmentFiles().getFirst()));
    }
    try (UsageJournal j = UsageJournal.open(dir, 4096)) {
      assertThat(readAll(j)).as("the checkpoint says everything is stored").isEmpty();
    }
  }

  @Test
  void open_refusesADirectoryAnotherWriterHolds() throws IOException {
    try (UsageJournal holder = UsageJournal.open(dir, 1 << 20)) {
      assertThat(holder.dir()).isEqualTo(dir.toAbsolutePath());
      assertThatThrownBy(() -> UsageJournal.open(dir, 1 << 20))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("usage.journal-dir")
          .hasMessageContaining("no other Tollgate process");
    }
  }

  @Test
  void recover_afterAFailedSync_rewritesTheGroupInAFreshSegment() throws IOException {
    try (UsageJournal j = UsageJournal.open(dir, 1 << 20)) {
      j.append(TestRecords.plain("rec", 0));
      j.sync();
      j.append(TestRecords.plain("rec", 1));
      j.write(); // written, then (say) the fsync failed
      j.recover();
      j.sync();
      List<UsageRecord> read = new ArrayList<>();
      Position cursor = j.replayStart();
      Position next;
      while (!(next = j.read(cursor, 64, read)).equals(cursor)) {
        cursor = next;
      }
      assertThat(read).extracting(UsageRecord::requestId).containsExactly("rec-0", "rec-1");
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  private void writeAndClose(List<UsageRecord> records, long segmentBytes) throws IOException {
    try (UsageJournal j = UsageJournal.open(dir, segmentBytes)) {
      for (UsageRecord r : records) {
        assertThat(j.append(r)).isTrue();
      }
      j.sync();
    }
  }

  private static List<UsageRecord> readAll(UsageJournal j) throws IOException {
    List<UsageRecord> out = new ArrayList<>();
    Position cursor = j.replayStart();
    while (cursor.segment() < j.firstLiveSegment()) {
      cursor = j.read(cursor, 1000, out);
    }
    return out;
  }

  /** The frame one record makes in a fresh journal. */
  private static byte[] frameOf(UsageRecord r) throws IOException {
    Path tmp = Files.createTempDirectory("frame");
    try (UsageJournal j = UsageJournal.open(tmp, 1 << 20)) {
      j.append(r);
      j.sync();
      byte[] all = Files.readAllBytes(UsageJournal.segmentPath(tmp.toAbsolutePath(), j.durable().segment()));
      return java.util.Arrays.copyOfRange(all, UsageJournal.HEADER_BYTES, all.length);
    }
  }

  private Path onlySegment() throws IOException {
    List<Path> files = segmentFiles();
    assertThat(files).hasSize(1);
    return files.getFirst();
  }

  /** Segment files that hold records (the empty live segment of a closed journal is left out). */
  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".journal")).filter(p -> size(p) > UsageJournal.HEADER_BYTES).sorted().toList();
    }
  }

  private List<Path> allSegmentFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".journal")).sorted().toList();
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void appendBytes(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.APPEND);
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x5A));
      ch.write(b.rewind(), offset);
    }
  }
}
