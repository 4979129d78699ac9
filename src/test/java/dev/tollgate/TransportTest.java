package dev.tollgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.config.ModelConfig;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import io.vertx.core.transport.Transport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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

  @Test
  void auto_takesIoUring_thenEpoll_thenNio() {
    String expected = Transport.IO_URING.available() ? "io_uring" : Transport.EPOLL.available() ? "epoll" : "nio";
    try (TestGateway gateway = TestGateway.builder(dir).start()) {
      assertThat(gateway.tollgate().transport()).isEqualTo(expected);
    }
  }
}
