package dev.tollgate.usage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Map;
import java.math.BigDecimal;

/**
 * The binary form of one {@link UsageRecord} inside a journal frame: compact (varints, deltas from
 * {@code startedAt}), exact (instants keep their nanoseconds) and allocation-free on the encode side.
 *
 * <pre>
 * u8      format (1)
 * varint  bits: 1 stream, 2 firstTokenAt, 4 userId, 8 errorClass
 * varint  flag set, one bit per {@link #flagBit} code
 * string  requestId                     (string = varint byte length, UTF-8 bytes)
 * zigzag  attempt
 * zigzag  startedAt epoch seconds, varint nanos
 * zigzag  endedAt - startedAt seconds, varint nanos;  the same for firstTokenAt when present
 * string  keyId, [userId], provider, modelRequested, modelServed, endpoint
 * varint  tag count, then each tag as a string
 * varint  the nine TokenUsage counts in declaration order
 * zigzag  costNanos, status
 * string  [errorClass]
 * string  [priceVersion]                 (format 2)
 * varint  cost breakdown entries, each a string component and a string decimal USD amount (format 2)
 * string  [orgId], [projectId], [deployment]   (format 3)
 * zigzag  savedNanos                            (format 3)
 * </pre>
 *
 * Format 1 records (no price version, no breakdown) and format 2 records (no attribution) still decode.
 *
 * The flag codes are part of the file format: a journal written by one version is replayed by the next,
 * so a code is never reused or renumbered.
 */
final class JournalCodec {
  static final int FORMAT = 3;

  private static final int STREAM = 1;
  private static final int FIRST_TOKEN = 2;
  private static final int USER = 4;
  private static final int ERROR = 8;
  private static final int PRICE_VERSION = 16;
  private static final int ORG = 32;
  private static final int PROJECT = 64;
  private static final int DEPLOYMENT = 128;

  private JournalCodec() {}

  /** Writes {@code r} at the buffer's position; throws {@link java.nio.BufferOverflowException} when it does not fit. */
  static void encode(UsageRecord r, ByteBuffer out) {
    out.put((byte) FORMAT);
    int bits = (r.stream() ? STREAM : 0) | (r.firstTokenAt().isPresent() ? FIRST_TOKEN : 0)
        | (r.userId().isPresent() ? USER : 0) | (r.errorClass().isPresent() ? ERROR : 0)
        | (r.priceVersion().isPresent() ? PRICE_VERSION : 0) | (r.orgId().isPresent() ? ORG : 0)
        | (r.projectId().isPresent() ? PROJECT : 0) | (r.deployment().isPresent() ? DEPLOYMENT : 0);
    putVarLong(out, bits);
    long flags = 0;
    for (UsageFlag f : r.flags()) {
      flags |= 1L << flagBit(f);
    }
    putVarLong(out, flags);
    putString(out, r.requestId());
    putVarLong(out, zigzag(r.attempt()));
    Instant start = r.startedAt();
    putVarLong(out, zigzag(start.getEpochSecond()));
    putVarLong(out, start.getNano());
    putDelta(out, start, r.endedAt());
    if (r.firstTokenAt().isPresent()) {
      putDelta(out, start, r.firstTokenAt().get());
    }
    putString(out, r.keyId());
    if (r.userId().isPresent()) {
      putString(out, r.userId().get());
    }
    putString(out, r.provider());
    putString(out, r.modelRequested());
    putString(out, r.modelServed());
    putString(out, r.endpoint());
    List<String> tags = r.tags();
    putVarLong(out, tags.size());
    for (String tag : tags) {
      putString(out, tag);
    }
    TokenUsage u = r.usage();
    putVarLong(out, u.inputTokens());
    putVarLong(out, u.cacheReadTokens());
    putVarLong(out, u.cacheWrite5mTokens());
    putVarLong(out, u.cacheWrite1hTokens());
    putVarLong(out, u.audioInputTokens());
    putVarLong(out, u.imageInputTokens());
    putVarLong(out, u.outputTokens());
    putVarLong(out, u.reasoningTokens());
    putVarLong(out, u.audioOutputTokens());
    putVarLong(out, zigzag(r.costNanos()));
    putVarLong(out, zigzag(r.status()));
    if (r.errorClass().isPresent()) {
      putString(out, r.errorClass().get());
    }
    if (r.priceVersion().isPresent()) {
      putString(out, r.priceVersion().get());
    }
    putVarLong(out, r.costBreakdown().size());
    for (Map.Entry<String, BigDecimal> e : r.costBreakdown().entrySet()) {
      putString(out, e.getKey());
      putString(out, e.getValue().toPlainString());
    }
    if (r.orgId().isPresent()) {
      putString(out, r.orgId().get());
    }
    if (r.projectId().isPresent()) {
      putString(out, r.projectId().get());
    }
    if (r.deployment().isPresent()) {
      putString(out, r.deployment().get());
    }
    putVarLong(out, zigzag(r.savedNanos()));
  }

  /** Reads one record from the buffer's position to its limit. */
  static UsageRecord decode(ByteBuffer in) {
    return decode(in, new StringCache());
  }

  /** Reads one record, taking repeated strings (key ids, models, tags ...) from the reader's cache. */
  static UsageRecord decode(ByteBuffer in, StringCache cache) {
    int format = in.get();
    if (format < 1 || format > FORMAT) {
      throw new IllegalArgumentException("journal record format: " + format + " (expected: 1.." + FORMAT + ")");
    }
    long bits = getVarLong(in);
    long flagBits = getVarLong(in);
    String requestId = getString(in);
    int attempt = (int) unzigzag(getVarLong(in));
    Instant start = Instant.ofEpochSecond(unzigzag(getVarLong(in)), getVarLong(in));
    Instant end = getDelta(in, start);
    Optional<Instant> firstToken = (bits & FIRST_TOKEN) != 0 ? Optional.of(getDelta(in, start)) : Optional.empty();
    String keyId = cache.get(in);
    Optional<String> userId = (bits & USER) != 0 ? Optional.of(cache.get(in)) : Optional.empty();
    String provider = cache.get(in);
    String modelRequested = cache.get(in);
    String modelServed = cache.get(in);
    String endpoint = cache.get(in);
    int tagCount = (int) getVarLong(in);
    if (tagCount < 0 || tagCount > in.remaining()) {
      throw new IllegalArgumentException("journal record tag count: " + tagCount);
    }
    List<String> tags;
    if (tagCount == 0) {
      tags = List.of();
    } else {
      String[] t = new String[tagCount];
      for (int i = 0; i < tagCount; i++) {
        t[i] = cache.get(in);
      }
      tags = List.of(t);
    }
    TokenUsage usage = new TokenUsage(getVarLong(in), getVarLong(in), getVarLong(in), getVarLong(in), getVarLong(in),
        getVarLong(in), getVarLong(in), getVarLong(in), getVarLong(in));
    long cost = unzigzag(getVarLong(in));
    int status = (int) unzigzag(getVarLong(in));
    Optional<String> error = (bits & ERROR) != 0 ? Optional.of(cache.get(in)) : Optional.empty();
    Optional<String> priceVersion = Optional.empty();
    Map<String, BigDecimal> breakdown = Map.of();
    if (format >= 2) {
      priceVersion = (bits & PRICE_VERSION) != 0 ? Optional.of(cache.get(in)) : Optional.empty();
      int n = (int) getVarLong(in);
      if (n < 0 || n > in.remaining()) {
        throw new IllegalArgumentException("journal record cost breakdown count: " + n);
      }
      if (n > 0) {
        breakdown = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
          breakdown.put(cache.get(in), new BigDecimal(getString(in)));
        }
      }
    }
    Optional<String> org = Optional.empty();
    Optional<String> project = Optional.empty();
    Optional<String> deployment = Optional.empty();
    long saved = 0;
    if (format >= 3) {
      org = (bits & ORG) != 0 ? Optional.of(cache.get(in)) : Optional.empty();
      project = (bits & PROJECT) != 0 ? Optional.of(cache.get(in)) : Optional.empty();
      deployment = (bits & DEPLOYMENT) != 0 ? Optional.of(cache.get(in)) : Optional.empty();
      saved = unzigzag(getVarLong(in));
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("journal record has " + in.remaining() + " trailing byte(s)");
    }
    return new UsageRecord(requestId, attempt, start, firstToken, end, keyId, userId, tags, provider, modelRequested,
        modelServed, endpoint, (bits & STREAM) != 0, usage, cost, status, error, flags(flagBits), priceVersion, breakdown,
        org, project, deployment, saved);
  }

  /** The stable on-disk code of a flag. */
  static int flagBit(UsageFlag flag) {
    return switch (flag) {
      case ESTIMATED -> 0;
      case UNPRICED -> 1;
      case CACHE_HIT -> 2;
      case FALLBACK_USED -> 3;
      case CLIENT_CLOSED -> 4;
    };
  }

  private static Set<UsageFlag> flags(long bits) {
    if (bits == 0) {
      return Set.of();
    }
    EnumSet<UsageFlag> out = EnumSet.noneOf(UsageFlag.class);
    for (UsageFlag f : UsageFlag.values()) {
      if ((bits & (1L << flagBit(f))) != 0) {
        out.add(f);
      }
    }
    return out;
  }

  private static void putDelta(ByteBuffer out, Instant base, Instant t) {
    putVarLong(out, zigzag(t.getEpochSecond() - base.getEpochSecond()));
    putVarLong(out, t.getNano());
  }

  private static Instant getDelta(ByteBuffer in, Instant base) {
    long seconds = base.getEpochSecond() + unzigzag(getVarLong(in));
    return Instant.ofEpochSecond(seconds, getVarLong(in));
  }

  /** ASCII goes straight into the buffer; anything else through the JDK's UTF-8 encoder. */
  private static void putString(ByteBuffer out, String s) {
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      putVarLong(out, n);
      if (out.remaining() < n) {
        throw new java.nio.BufferOverflowException();
      }
      for (int i = 0; i < n; i++) {
        out.put((byte) s.charAt(i));
      }
    } else {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      putVarLong(out, bytes.length);
      out.put(bytes);
    }
  }

  private static String getString(ByteBuffer in) {
    long n = getVarLong(in);
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("journal string length: " + n + " (remaining: " + in.remaining() + ")");
    }
    int len = (int) n;
    String s;
    if (in.hasArray()) {
      s = new String(in.array(), in.arrayOffset() + in.position(), len, StandardCharsets.UTF_8);
      in.position(in.position() + len);
    } else {
      byte[] bytes = new byte[len];
      in.get(bytes);
      s = new String(bytes, StandardCharsets.UTF_8);
    }
    return s;
  }

  /**
   * Strings that repeat from record to record (a few key ids, models and tags) decoded once: a small
   * direct-mapped cache keyed by their bytes. One per reading thread.
   */
  static final class StringCache {
    private static final int SLOTS = 1024;
    private static final int MAX_LENGTH = 96;
    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];

    String get(ByteBuffer in) {
      long n = getVarLong(in);
      if (n < 0 || n > in.remaining()) {
        throw new IllegalArgumentException("journal string length: " + n + " (remaining: " + in.remaining() + ")");
      }
      int len = (int) n;
      if (len > MAX_LENGTH) {
        return utf8(in, len);
      }
      int at = in.position();
      int h = len;
      for (int i = 0; i < len; i++) {
        h = 31 * h + in.get(at + i);
      }
      int slot = (h ^ (h >>> 15)) & (SLOTS - 1);
      byte[] key = keys[slot];
      if (key != null && key.length == len && in.slice(at, len).equals(ByteBuffer.wrap(key))) {
        in.position(at + len);
        return values[slot];
      }
      byte[] bytes = new byte[len];
      in.get(bytes);
      String s = new String(bytes, StandardCharsets.UTF_8);
      keys[slot] = bytes;
      values[slot] = s;
      return s;
    }
  }

  private static String utf8(ByteBuffer in, int len) {
    byte[] bytes = new byte[len];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static void putVarLong(ByteBuffer out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
  }

  static long getVarLong(ByteBuffer in) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("journal varint longer than 10 bytes");
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }
}
