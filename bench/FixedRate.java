// Open-loop, fixed-rate HTTP/1.1 load generator and SSE time-to-first-byte probe for the Tollgate
// overhead benchmark. Single-file program: run it with a JDK 25 as
//
//   java bench/FixedRate.java rate --url URL --body FILE [--header 'Name: value']... \
//        [--rate 1000] [--duration 15] [--connections 32] [--warmup 20] [--expect TEXT] [--label NAME]
//   java bench/FixedRate.java ttfb --url URL --body FILE [--header ...]... [--count 200] \
//        [--warmup 20] [--expect TEXT] [--label NAME]
//
// rate: request i is due at start + i/rate. Connection c (of N, all keep-alive, opened and warmed up
//   before the clock starts) owns requests c, c+N, c+2N ... so each connection sends every N/rate
//   seconds, staggered (the wrk2 model). Latency is measured from the INTENDED send time, not from
//   the moment the request was written: if the target stalls, the requests that should have been
//   sent meanwhile are charged the wait (no coordinated omission). The generator's own scheduling
//   error (actual send - intended send) is reported as "lag" so you can tell when the generator,
//   not the target, is the problem.
// ttfb: one keep-alive connection, sequential requests; for each, the time from writing the request
//   to the arrival of the first byte of the response body, and to the end of the response.
//
// Both modes print a human summary and one machine-readable line starting with "RESULT ".
// Every response must be 2xx (and contain --expect, when given); anything else counts as an error.
// Exit code: 0 when there were no errors, 2 when there were, 1 on bad usage.
// Raw sockets rather than java.net.http: fewer allocations and threads, and the exact bytes on the
// wire are the same for every target.

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

public class FixedRate {

  static final int SO_TIMEOUT_MS = 5_000;

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      usage("missing mode");
    }
    String mode = args[0];
    Options o = Options.parse(Arrays.copyOfRange(args, 1, args.length));
    switch (mode) {
      case "rate" -> System.exit(rate(o));
      case "ttfb" -> System.exit(ttfb(o));
      default -> usage("unknown mode '" + mode + "'");
    }
  }

  static void usage(String why) {
    System.err.println("FixedRate: " + why);
    System.err.println("usage: java FixedRate.java rate|ttfb --url URL --body FILE [--header 'K: v']... "
        + "[--rate R] [--duration S] [--connections N] [--count N] [--warmup N] [--expect TEXT] [--label NAME]");
    System.exit(1);
  }

  // ------------------------------------------------------------------ fixed-rate mode

  static int rate(Options o) throws Exception {
    final long intervalNanos = Math.round(1e9 / o.rate);
    final long total = Math.round(o.rate * o.durationSeconds);
    final int n = o.connections;
    Conn[] conns = new Conn[n];
    for (int c = 0; c < n; c++) {
      conns[c] = new Conn(o);
      conns[c].connect();
      // --warmup unrecorded requests per connection (at least one): connection set-up, first-request
      // costs and the generator's own JIT warm-up are not part of the measurement.
      for (int w = 0; w < Math.max(1, o.warmup); w++) {
        Response r = conns[c].exchange(o.request, o.expect);
        if (!r.ok()) {
          System.err.println("FixedRate: warm-up request failed: " + r.describe());
        }
        if (!conns[c].isOpen()) {
          conns[c].connect();
        }
      }
    }
    final long start = System.nanoTime() + 50_000_000L; // everyone ready 50 ms from now
    final long hardStop = start + (long) (o.durationSeconds * 1e9) + 10_000_000_000L;
    AtomicLong errors = new AtomicLong();
    List<String> errorSamples = java.util.Collections.synchronizedList(new ArrayList<>());
    long[][] lat = new long[n][];
    long[][] lag = new long[n][];
    int[] counts = new int[n];
    Thread[] threads = new Thread[n];
    for (int c = 0; c < n; c++) {
      final int id = c;
      final long mine = total / n + (id < total % n ? 1 : 0);
      lat[id] = new long[(int) mine];
      lag[id] = new long[(int) mine];
      threads[c] = Thread.ofPlatform().name("conn-" + c).start(() -> {
        Conn conn = conns[id];
        for (long k = 0; k < mine; k++) {
          long intended = start + (k * n + id) * intervalNanos;
          long now;
          while ((now = System.nanoTime()) < intended) {
            LockSupport.parkNanos(intended - now);
          }
          if (now > hardStop) {
            errors.incrementAndGet();
            sample(errorSamples, "gave up: target too slow, past the hard stop");
            break;
          }
          Response r;
          try {
            if (!conn.isOpen()) {
              conn.connect();
            }
            r = conn.exchange(o.request, o.expect);
          } catch (IOException e) {
            r = Response.failed(e);
            conn.close();
          }
          long done = System.nanoTime();
          int i = counts[id]++;
          lat[id][i] = done - intended;
          lag[id][i] = r.sentAt - intended;
          if (!r.ok()) {
            errors.incrementAndGet();
            sample(errorSamples, r.describe());
          }
        }
      });
    }
    for (Thread t : threads) {
      t.join();
    }
    long end = System.nanoTime();
    for (Conn c : conns) {
      c.close();
    }
    long[] all = merge(lat, counts);
    long[] lags = merge(lag, counts);
    Arrays.sort(all);
    Arrays.sort(lags);
    double elapsed = (end - start) / 1e9;
    Stats s = new Stats(all);
    Stats g = new Stats(lags);
    System.out.printf(Locale.ROOT, "%s: %d requests at %.0f/s over %d connections in %.1f s (achieved %.0f/s), errors %d%n",
        o.label, all.length, o.rate, n, elapsed, all.length / elapsed, errors.get());
    System.out.printf(Locale.ROOT, "  latency from intended send (ms): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
        ms(s.p(50)), ms(s.p(90)), ms(s.p(99)), ms(s.p(99.9)), ms(s.max()));
    System.out.printf(Locale.ROOT, "  generator send lag (ms):          p50 %.3f  p99 %.3f  max %.3f%n",
        ms(g.p(50)), ms(g.p(99)), ms(g.max()));
    errorSamples.forEach(e -> System.out.println("  error: " + e));
    System.out.printf(Locale.ROOT,
        "RESULT mode=rate label=%s requests=%d errors=%d rate=%.0f achieved=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d lag_p50_us=%d lag_p99_us=%d%n",
        o.label, all.length, errors.get(), o.rate, all.length / elapsed, us(s.p(50)), us(s.p(90)), us(s.p(99)),
        us(s.p(99.9)), us(s.max()), us(g.p(50)), us(g.p(99)));
    return errors.get() == 0 ? 0 : 2;
  }

  // ------------------------------------------------------------------ time-to-first-byte mode

  static int ttfb(Options o) throws Exception {
    Conn conn = new Conn(o);
    conn.connect();
    int errors = 0;
    List<String> errorSamples = new ArrayList<>();
    for (int i = 0; i < o.warmup; i++) {
      Response r = conn.exchange(o.request, o.expect);
      if (!r.ok()) {
        System.err.println("FixedRate: warm-up request failed: " + r.describe());
      }
      if (!conn.isOpen()) {
        conn.connect();
      }
    }
    long[] first = new long[o.count];
    long[] whole = new long[o.count];
    int done = 0;
    for (int i = 0; i < o.count; i++) {
      Response r;
      try {
        if (!conn.isOpen()) {
          conn.connect();
        }
        r = conn.exchange(o.request, o.expect);
      } catch (IOException e) {
        r = Response.failed(e);
        conn.close();
      }
      if (!r.ok()) {
        errors++;
        sample(errorSamples, r.describe());
        continue;
      }
      first[done] = r.firstBodyByteAt - r.sentAt;
      whole[done] = r.endAt - r.sentAt;
      done++;
    }
    conn.close();
    first = Arrays.copyOf(first, done);
    whole = Arrays.copyOf(whole, done);
    Arrays.sort(first);
    Arrays.sort(whole);
    Stats f = new Stats(first);
    Stats w = new Stats(whole);
    System.out.printf(Locale.ROOT, "%s: %d sequential requests, errors %d%n", o.label, o.count, errors);
    System.out.printf(Locale.ROOT, "  time to first body byte (ms): p50 %.3f  p90 %.3f  p99 %.3f  max %.3f%n",
        ms(f.p(50)), ms(f.p(90)), ms(f.p(99)), ms(f.max()));
    System.out.printf(Locale.ROOT, "  time to end of response (ms): p50 %.3f  p99 %.3f%n", ms(w.p(50)), ms(w.p(99)));
    errorSamples.forEach(e -> System.out.println("  error: " + e));
    System.out.printf(Locale.ROOT,
        "RESULT mode=ttfb label=%s requests=%d errors=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d end_p50_us=%d end_p99_us=%d%n",
        o.label, o.count, errors, us(f.p(50)), us(f.p(90)), us(f.p(99)), us(f.max()), us(w.p(50)), us(w.p(99)));
    return errors == 0 ? 0 : 2;
  }

  // ------------------------------------------------------------------ helpers

  static void sample(List<String> samples, String what) {
    if (samples.size() < 5) {
      samples.add(what);
    }
  }

  static long[] merge(long[][] parts, int[] counts) {
    int size = 0;
    for (int c : counts) {
      size += c;
    }
    long[] out = new long[size];
    int at = 0;
    for (int i = 0; i < parts.length; i++) {
      System.arraycopy(parts[i], 0, out, at, counts[i]);
      at += counts[i];
    }
    return out;
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static long us(long nanos) {
    return Math.round(nanos / 1e3);
  }

  /** Nearest-rank percentiles over a sorted array. */
  record Stats(long[] sorted) {
    long p(double pct) {
      if (sorted.length == 0) {
        return 0;
      }
      int rank = (int) Math.ceil(pct / 100.0 * sorted.length);
      return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    long max() {
      return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }
  }

  static final class Options {
    String url;
    String host;
    int port;
    String path;
    byte[] body;
    List<String> headers = new ArrayList<>();
    double rate = 1000;
    double durationSeconds = 15;
    int connections = 32;
    int count = 200;
    int warmup = 20;
    byte[] expect;
    String label = "target";
    byte[] request;

    static Options parse(String[] a) throws IOException {
      Options o = new Options();
      for (int i = 0; i < a.length; i++) {
        String k = a[i];
        if (i + 1 >= a.length) {
          usage("missing value for " + k);
        }
        String v = a[++i];
        switch (k) {
          case "--url" -> o.url = v;
          case "--body" -> o.body = Files.readAllBytes(Path.of(v));
          case "--header" -> o.headers.add(v);
          case "--rate" -> o.rate = Double.parseDouble(v);
          case "--duration" -> o.durationSeconds = Double.parseDouble(v);
          case "--connections" -> o.connections = Integer.parseInt(v);
          case "--count" -> o.count = Integer.parseInt(v);
          case "--warmup" -> o.warmup = Integer.parseInt(v);
          case "--expect" -> o.expect = v.getBytes(StandardCharsets.UTF_8);
          case "--label" -> o.label = v;
          default -> usage("unknown option " + k);
        }
      }
      if (o.url == null || o.body == null) {
        usage("--url and --body are required");
      }
      if (o.rate <= 0 || o.durationSeconds <= 0 || o.connections < 1 || o.count < 1 || o.warmup < 0) {
        usage("rate, duration, connections and count must be positive");
      }
      URI u = URI.create(o.url);
      if (!"http".equals(u.getScheme())) {
        usage("only http:// URLs");
      }
      o.host = u.getHost();
      o.port = u.getPort() > 0 ? u.getPort() : 80;
      o.path = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      StringBuilder sb = new StringBuilder();
      sb.append("POST ").append(o.path).append(" HTTP/1.1\r\n");
      sb.append("Host: ").append(o.host).append(':').append(o.port).append("\r\n");
      sb.append("Content-Type: application/json\r\n");
      sb.append("Content-Length: ").append(o.body.length).append("\r\n");
      for (String h : o.headers) {
        sb.append(h).append("\r\n");
      }
      sb.append("\r\n");
      byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
      o.request = new byte[head.length + o.body.length];
      System.arraycopy(head, 0, o.request, 0, head.length);
      System.arraycopy(o.body, 0, o.request, head.length, o.body.length);
      return o;
    }
  }

  static final class Response {
    int status;
    long sentAt;
    long firstBodyByteAt;
    long endAt;
    boolean expectMissing;
    String error;

    boolean ok() {
      return error == null && status / 100 == 2 && !expectMissing;
    }

    String describe() {
      if (error != null) {
        return error;
      }
      if (status / 100 != 2) {
        return "HTTP " + status;
      }
      return "HTTP " + status + " but the body lacks the expected text";
    }

    static Response failed(IOException e) {
      Response r = new Response();
      r.sentAt = System.nanoTime();
      r.error = e.getClass().getSimpleName() + ": " + e.getMessage();
      return r;
    }
  }

  /** One keep-alive HTTP/1.1 connection with a minimal response parser (Content-Length or chunked). */
  static final class Conn {
    final Options o;
    Socket socket;
    InputStream in;
    OutputStream out;
    final byte[] buf = new byte[64 * 1024];
    int pos;
    int lim;
    long lastReadAt;
    final ByteArrayOutputStream body = new ByteArrayOutputStream(4096);

    Conn(Options o) {
      this.o = o;
    }

    void connect() throws IOException {
      close();
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.setSoTimeout(SO_TIMEOUT_MS);
      s.connect(new InetSocketAddress(o.host, o.port), SO_TIMEOUT_MS);
      socket = s;
      in = s.getInputStream();
      out = s.getOutputStream();
      pos = lim = 0;
    }

    boolean isOpen() {
      return socket != null;
    }

    void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      socket = null;
    }

    Response exchange(byte[] request, byte[] expect) throws IOException {
      Response r = new Response();
      r.sentAt = System.nanoTime();
      out.write(request);
      out.flush();
      String statusLine = line();
      // HTTP/1.1 200 OK
      int sp = statusLine.indexOf(' ');
      if (!statusLine.startsWith("HTTP/1.") || sp < 0 || statusLine.length() < sp + 4) {
        throw new IOException("bad status line: " + statusLine);
      }
      r.status = Integer.parseInt(statusLine.substring(sp + 1, sp + 4));
      long contentLength = -1;
      boolean chunked = false;
      boolean closeAfter = statusLine.startsWith("HTTP/1.0");
      for (String h; !(h = line()).isEmpty(); ) {
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
          case "content-length" -> contentLength = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.contains("chunked");
          case "connection" -> closeAfter = value.contains("close") ? true : (value.contains("keep-alive") ? false : closeAfter);
          default -> { }
        }
      }
      // First body byte: the bytes after the header block may already be in the buffer (they came in
      // the same read as the headers), otherwise wait for the next read.
      boolean capture = expect != null;
      body.reset();
      if (chunked) {
        ensure();
        r.firstBodyByteAt = lastReadAt;
        while (true) {
          String sizeLine = line();
          int semi = sizeLine.indexOf(';');
          long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
          if (size == 0) {
            while (!line().isEmpty()) {
              // trailers
            }
            break;
          }
          skip(size, capture);
          line(); // CRLF after the chunk
        }
      } else if (contentLength >= 0) {
        if (contentLength > 0) {
          ensure();
        }
        r.firstBodyByteAt = lastReadAt;
        skip(contentLength, capture);
      } else {
        // No length: the body runs to the end of the connection.
        closeAfter = true;
        try {
          ensure();
          r.firstBodyByteAt = lastReadAt;
          while (true) {
            skip(lim - pos, capture);
            ensure();
          }
        } catch (EOFException end) {
          // done
        }
      }
      r.endAt = System.nanoTime();
      if (capture && indexOf(body.toByteArray(), expect) < 0) {
        r.expectMissing = true;
      }
      if (closeAfter) {
        close();
      }
      return r;
    }

    /** At least one unread byte in the buffer, or EOFException. */
    private void ensure() throws IOException {
      if (pos < lim) {
        return;
      }
      int n = in.read(buf);
      lastReadAt = System.nanoTime();
      if (n < 0) {
        throw new EOFException("connection closed by the target");
      }
      pos = 0;
      lim = n;
    }

    private String line() throws IOException {
      StringBuilder sb = new StringBuilder(64);
      while (true) {
        ensure();
        byte b = buf[pos++];
        if (b == '\n') {
          int len = sb.length();
          if (len > 0 && sb.charAt(len - 1) == '\r') {
            sb.setLength(len - 1);
          }
          return sb.toString();
        }
        sb.append((char) (b & 0xff));
        if (sb.length() > 16 * 1024) {
          throw new IOException("header line too long");
        }
      }
    }

    private void skip(long n, boolean capture) throws IOException {
      while (n > 0) {
        ensure();
        int take = (int) Math.min(n, lim - pos);
        if (capture) {
          body.write(buf, pos, take);
        }
        pos += take;
        n -= take;
      }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= hay.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (hay[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
