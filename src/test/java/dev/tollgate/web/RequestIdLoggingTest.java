package dev.tollgate.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Log events of a request carry its request id — in the MDC on the request path (also on the worker thread of
 * {@link Web#blocking}) and as a field of the access log line — and the JSON encoder writes it as a field. Keys
 * and prompt bodies never reach the log.
 */
class RequestIdLoggingTest {
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private Logger root;

  @BeforeEach
  void capture() {
    root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    captured.start();
    root.addAppender(captured);
  }

  @AfterEach
  void release() {
    root.detachAppender(captured);
  }

  private List<ILoggingEvent> eventsWith(String requestId) {
    return captured.list.stream().filter(e -> requestId.equals(e.getMDCPropertyMap().get(Web.REQUEST_ID_FIELD))
        || e.getKeyValuePairs() != null && e.getKeyValuePairs().stream()
            .anyMatch(kv -> kv.key.equals(Web.REQUEST_ID_FIELD) && requestId.equals(kv.value))).toList();
  }

  private static String json(ILoggingEvent e) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    encoder.start();
    return new String(encoder.encode(e), StandardCharsets.UTF_8);
  }

  @Test
  void handlerLogs_carryTheRequestId_onTheEventLoopAndOnTheWorker() throws Exception {
    Vertx vertx = Vertx.vertx();
    org.slf4j.Logger log = LoggerFactory.getLogger("test.handler");
    try (HttpClient http = HttpClient.newHttpClient()) {
      Router router = HttpRoutes.base(vertx, 1024, (ctx, err) -> {});
      router.get("/work").handler(ctx -> {
        log.info("on the event loop");
        Web.blocking(ctx, 200, () -> {
          log.info("on a worker");
          return Json.object().put("ok", true);
        });
      });
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/work"))
          .header("x-request-id", "req-logging-1").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(resp.statusCode()).isEqualTo(200);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    List<ILoggingEvent> events = eventsWith("req-logging-1");
    assertThat(events).extracting(ILoggingEvent::getFormattedMessage).containsExactly("on the event loop", "on a worker");
    assertThat(events.get(1).getThreadName()).doesNotContain("eventloop");
    ObjectNode encoded = Json.parseObject(json(events.get(1)).getBytes(StandardCharsets.UTF_8));
    assertThat(encoded.path("mdc").path("request_id").asText()).isEqualTo("req-logging-1");
    // nothing leaks into the next request's events on that thread
    assertThat(captured.list.stream().filter(e -> e.getFormattedMessage().equals("on the event loop"))).hasSize(1);
  }

  @Test
  void accessLog_isOneJsonLinePerRequest_withTheRequestId_andNoSecrets(@TempDir Path dir) throws Exception {
    TollgateConfig.LogConfig logConfig = new TollgateConfig.LogConfig("json", "info", true);
    String secretPrompt = "my card number is 4111-1111-1111-1111";
    try (TestGateway gw = TestGateway.builder(dir).log(logConfig).start()) {
      HttpResponse<String> resp = gw.post("/v1/chat/completions", gw.masterKey(),
          "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"" + secretPrompt + "\"}]}", "req-access-1");
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(gw.get("/api/v1/costs/summary?period=today", gw.masterKey()).statusCode()).isEqualTo(200);
      gw.awaitUsage("req-access-1");
    }
    List<ILoggingEvent> access = captured.list.stream().filter(e -> e.getLoggerName().equals("tollgate.access")).toList();
    assertThat(access).hasSize(2);
    ObjectNode line = Json.parseObject(json(eventsWith("req-access-1").stream()
        .filter(e -> e.getLoggerName().equals("tollgate.access")).findFirst().orElseThrow()).getBytes(StandardCharsets.UTF_8));
    String kvs = line.path("kvpList").toString();
    assertThat(kvs).contains("\"request_id\":\"req-access-1\"").contains("\"path\":\"/v1/chat/completions\"")
        .contains("\"status\":\"200\"");
    for (ILoggingEvent e : captured.list) {
      String text = json(e);
      assertThat(text).doesNotContain(TestGateway.MASTER_KEY).doesNotContain(secretPrompt).doesNotContain("4111");
    }
  }
}
