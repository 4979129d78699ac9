package dev.tollgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.config.ModelConfig;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.testing.TollgateProcess;
import dev.tollgate.usage.UsageRecord;
import io.vertx.core.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code server.transport}: the gateway runs on the transport it names, and each one this machine offers carries a
 * proxied call, whole and streamed, through the real upstream HTTP client to a real upstream server.
 */
class TransportTest {
  @TempDir
  Path dir;

  static Stream<Arguments> transports() {
    return Stream.of(
        Arguments.of("io-uring", Transport.IO_URING, "io_uring"),
        Arguments.of("epoll", Transport.EPOLL, "epoll"),
        Arguments.of("nio", Transport.NIO, "nio"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void eachTransportThisMachineOffers_proxiesWholeAndStreamedCalls(String name, Transport transport, String runsOn) {
    assumeTrue(transport.available(), () -> name + " is not available on this machine: " + transport.unavailabilityCause());
    try (FakeUpstream upstream = FakeUpstream.start();
         TestGateway gateway = TestGateway.builder(dir).transport(name)
             .model(ModelConfig.openAiCompatible("up", "up-model", upstream.baseUrl(), Optional.empty())).start()) {
      assertThat(gateway.tollgate().transport()).isEqualTo(runsOn);

      upstream.replyWith(FakeUpstream.json(200, FakeUpstream.chatCompletion("up-model", "Hello over " + name, 9, 4)));
      String whole = RequestIds.next();
      HttpResponse<String> reply = gateway.post("/v1/chat/completions", gateway.masterKey(),
          "{\"model\":\"up\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", whole);
      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.body()).contains("Hello over " + name);
      UsageRecord wholeRow = gateway.awaitUsage(whole);
      assertThat(wholeRow.usage().inputTokens()).isEqualTo(9);
      assertThat(wholeRow.usage().outputTokens()).isEqualTo(4);

      upstream.replyWith(FakeUpstream.sse(List.of(FakeUpstream.chunk("up-model", "streamed "),
          FakeUpstream.chunk("up-model", "over " + name), FakeUpstream.finishChunk("up-model"),
          FakeUpstream.usageChunk("up-model", 7, 3))));
      String streamed = RequestIds.next();
      HttpResponse<String> stream = gateway.post("/v1/chat/completions", gateway.masterKey(),
          "{\"model\":\"up\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", streamed);
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.body()).contains("\"streamed \"", "\"over " + name + "\"").endsWith("data: [DONE]\n\n");
      UsageRecord streamedRow = gateway.awaitUsage(streamed);
      assertThat(streamedRow.firstTokenAt()).isPresent();
      assertThat(streamedRow.usage().inputTokens()).isEqualTo(7);
      assertThat(streamedRow.usage().outputTokens()).isEqualTo(3);
    }
  }

  /**
   * A machine without io_uring or epoll, made here by a JVM that netty is told to use no native transport in
   * ({@code JAVA_TOOL_OPTIONS}, read by the child JVM): {@code auto} serves on NIO, a named transport stops the start.
   */
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS) // a regression that starts anyway would block the read below
  void withoutNativeTransports_autoServesOnNio_andANamedOneRefusesToStart() throws Exception {
    Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Dio.netty.transport.noNative=true",
        "TOLLGATE_MASTER_KEY", "tg-master-transport-test-0123456789");
    try (TollgateProcess auto = TollgateProcess.start(config("auto"), env); HttpClient http = HttpClient.newHttpClient()) {
      assertThat(auto.output()).contains("nio transport");
      HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(auto.baseUrl() + "/v1/chat/completions"))
          .header("authorization", "Bearer tg-master-transport-test-0123456789").header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    }

    Process named = TollgateProcess.launch(config("io-uring"), env);
    String output;
    try (InputStream out = named.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8); // until the process exits
    }
    assertThat(named.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    assertThat(named.exitValue()).as(output).isEqualTo(2);
    assertThat(output).contains("cannot start: server.transport: 'io-uring'", "auto picks one", "io-uring is not:");
  }

  private Path config(String transport) throws IOException {
    Path file = dir.resolve(transport + ".yaml");
    Files.writeString(file, """
        server:
          port: %d
          transport: %s
        store:
          url: "jdbc:duckdb:%s"
        log:
          level: info
        """.formatted(TollgateProcess.freePort(), transport, dir.resolve(transport + ".duckdb")));
    return file;
  }

  @Test
  void auto_takesIoUring_thenEpoll_thenNio() {
    String expected = Transport.IO_URING.available() ? "io_uring" : Transport.EPOLL.available() ? "epoll" : "nio";
    try (TestGateway gateway = TestGateway.builder(dir).start()) {
      assertThat(gateway.tollgate().transport()).isEqualTo(expected);
    }
  }
}
