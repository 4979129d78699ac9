package dev.tollgate.analytics;

import dev.tollgate.auth.AdminScope;
import dev.tollgate.storage.Database;
import dev.tollgate.storage.DuckDbAnalyticsStore;
import dev.tollgate.storage.DuckDbAnomalyStore;
import dev.tollgate.storage.DuckDbUsageStore;
import dev.tollgate.usage.UsageRecord;
import dev.tollgate.web.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The analytics routes on a real HTTP server (port 0) over a real DuckDB file, behind a test-only guard that
 * takes the caller's {@link AdminScope} from {@code x-test-org} / {@code x-test-project} headers: the tenancy
 * seam the real admin guard fills from users and roles.
 */
final class AnalyticsServer implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Database db;
  private final DuckDbUsageStore usage;
  private final DuckDbAnomalyStore anomalies;
  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  AnalyticsServer(Path dir, Instant now) {
    db = Database.open("jdbc:duckdb:" + dir.resolve("analytics.duckdb"));
    usage = new DuckDbUsageStore(db);
    anomalies = new DuckDbAnomalyStore(db);
    CostAnalytics analytics = new CostAnalytics(new DuckDbAnalyticsStore(db), Clock.fixed(now, ZoneOffset.UTC));
    Router router = HttpRoutes.base(vertx, 1 << 20, (ctx, err) -> {});
    router.route("/api/v1/*").handler(ctx -> {
      Optional<String> org = Optional.ofNullable(ctx.request().getHeader("x-test-org"));
      Optional<String> project = Optional.ofNullable(ctx.request().getHeader("x-test-project"));
      ctx.put(AdminScope.CONTEXT_KEY, new AdminScope(org.map(o -> "admin-of-" + o).orElse("master"), org, project, false));
      ctx.next();
    });
    new AnalyticsRoutes(analytics, anomalies).register(router);
    try {
      server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void append(List<UsageRecord> rows) {
    usage.append(rows);
  }

  AnomalyStore anomalies() {
    return anomalies;
  }

  HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    http.close();
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
    usage.close();
    db.close();
  }
}
