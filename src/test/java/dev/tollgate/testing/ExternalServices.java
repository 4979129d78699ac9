package dev.tollgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The one place tests find PostgreSQL and Redis. A class annotated {@link RequiresPostgres} or
 * {@link RequiresRedis} runs when the service answers; when it does not, the class is skipped with a
 * message saying how to start it, except under {@code CI=true}, where it fails: CI never silently skips
 * the cluster tests ({@code .ci/run} starts both services first).
 *
 * <p>Where: {@code TOLLGATE_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres})
 * and {@code TOLLGATE_TEST_REDIS_URL} (default {@code redis://127.0.0.1:6379}).
 */
public final class ExternalServices implements ExecutionCondition {
  public static final String POSTGRES_URL = Optional.ofNullable(System.getenv("TOLLGATE_TEST_POSTGRES_URL"))
      .orElse("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  public static final String REDIS_URL = Optional.ofNullable(System.getenv("TOLLGATE_TEST_REDIS_URL"))
      .orElse("redis://127.0.0.1:6379");
  private static final Map<String, Optional<String>> PROBES = new ConcurrentHashMap<>();

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<Class<?>> test = context.getTestClass();
    if (test.isEmpty()) {
      return ConditionEvaluationResult.enabled("no test class");
    }
    if (AnnotationSupport.isAnnotated(test.get(), RequiresPostgres.class)) {
      Optional<String> missing = require("PostgreSQL", POSTGRES_URL, "TOLLGATE_TEST_POSTGRES_URL", ExternalServices::probePostgres,
          "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
      if (missing.isPresent()) {
        return ConditionEvaluationResult.disabled(missing.get());
      }
    }
    if (AnnotationSupport.isAnnotated(test.get(), RequiresRedis.class)) {
      Optional<String> missing = require("Redis", REDIS_URL, "TOLLGATE_TEST_REDIS_URL", ExternalServices::probeRedis,
          "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no");
      if (missing.isPresent()) {
        return ConditionEvaluationResult.disabled(missing.get());
      }
    }
    return ConditionEvaluationResult.enabled("external services reachable");
  }

  /**
   * Runs the probe once per JVM. Reachable: empty. Unreachable: fails under CI=true, else the skip reason
   * (JUnit reports every test of the class as skipped with it).
   */
  private static Optional<String> require(String name, String url, String envName,
                                          java.util.function.Function<String, Optional<String>> probe, String howToStart) {
    Optional<String> problem = PROBES.computeIfAbsent(url, probe);
    if (problem.isEmpty()) {
      return Optional.empty();
    }
    String message = name + " is not reachable at " + url + " (" + problem.get() + "); start it with: " + howToStart
        + " (or point " + envName + " at one)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + message + "; CI must not skip the cluster tests");
    }
    return Optional.of("SKIPPED, needs " + message);
  }

  /** Empty when a connection works, else why not. */
  private static Optional<String> probePostgres(String url) {
    DriverManager.setLoginTimeout(3);
    try (Connection c = DriverManager.getConnection(url); var st = c.createStatement(); var rs = st.executeQuery("SELECT 1")) {
      return rs.next() ? Optional.empty() : Optional.of("SELECT 1 returned nothing");
    } catch (SQLException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static Optional<String> probeRedis(String url) {
    URI uri = URI.create(url);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 3_000);
      s.setSoTimeout(3_000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      String reply = new String(buf, 0, n, StandardCharsets.US_ASCII);
      return reply.startsWith("+PONG") ? Optional.empty() : Optional.of("PING answered '" + reply.strip() + "'");
    } catch (IOException e) {
      return Optional.of(e.toString());
    }
  }
}
