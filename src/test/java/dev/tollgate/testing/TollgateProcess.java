package dev.tollgate.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code tollgate serve} child process (the test's class path), for multi-process tests. */
public final class TollgateProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("Tollgate \\S+ ready on http://127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final String baseUrl;
  private final List<String> lines;

  private TollgateProcess(Process process, String baseUrl, List<String> lines) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.lines = lines;
  }

  /** Starts {@code serve --config config} with {@code env} added, and waits (120 s at most) until it listens. */
  public static TollgateProcess start(Path config, Map<String, String> env) throws IOException, InterruptedException {
    Process process = launch(config, env);
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch ready = new CountDownLatch(1);
    String[] port = new String[1];
    Thread.ofPlatform().daemon(true).name("tollgate-process-output").start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
          Matcher m = READY.matcher(line);
          if (m.find()) {
            port[0] = m.group(1);
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the process went away
      }
    });
    if (!ready.await(120, TimeUnit.SECONDS)) { // JVM start on a busy CI machine can take half a minute
      process.destroyForcibly();
      throw new AssertionError("tollgate serve did not become ready; output:\n" + String.join("\n", lines));
    }
    return new TollgateProcess(process, "http://127.0.0.1:" + port[0], lines);
  }

  /** Starts {@code serve --config config} with {@code env} added (stdout and stderr merged), without waiting. */
  public static Process launch(Path config, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(System.getProperty("tollgate.test.java", "java"),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-cp", System.getProperty("java.class.path"), "dev.tollgate.Main", "serve", "--config", config.toString())
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    return pb.start();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** A port free right now. */
  public static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
