package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ModelConfig;
import dev.tollgate.routing.RetryPolicy;
import dev.tollgate.routing.RoutingConfig;
import dev.tollgate.routing.Strategy;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import io.vertx.core.Future;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The waits between attempts, through an injected sleeper that records them and does not wait. */
class RetryBackoffHttpTest {
  @TempDir
  static Path dir;
  static FakeUpstream primary;
  static FakeUpstream secondary;
  static TestGateway gateway;
  static final List<Duration> waits = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    primary = FakeUpstream.start();
    secondary = FakeUpstream.start();
    gateway = TestGateway.builder(dir)
        .sleeper(d -> {
          waits.add(d);
          return Future.succeededFuture();
        })
        .routing(RoutingConfig.ofDefaults().withRetry(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(60))))
        .model(ModelConfig.openAiCompatible("one", "up-one", primary.baseUrl(), Optional.empty()))
        .model(ModelConfig.openAiCompatible("two", "up-a", primary.baseUrl(), Optional.empty())
            .withRouting(List.of(), OptionalLong.empty(), Optional.of(Strategy.PRIORITY)).asDeployment("a", 1, 1, Optional.empty()))
        .model(ModelConfig.openAiCompatible("two", "up-b", secondary.baseUrl(), Optional.empty())
            .withRouting(List.of(), OptionalLong.empty(), Optional.of(Strategy.PRIORITY)).asDeployment("b", 1, 2, Optional.empty()))
        .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    primary.close();
    secondary.close();
  }

  @BeforeEach
  void reset() {
    waits.clear();
    primary.clearRequests();
    secondary.clearRequests();
    secondary.replyWith(ok());
  }

  private static FakeUpstream.Reply ok() {
    return FakeUpstream.json(200, FakeUpstream.chatCompletion("up", "ok", 4, 1));
  }

  private static FakeUpstream.Reply status(int status, Optional<String> retryAfter) {
    return (req, vertx) -> {
      var resp = req.response().setStatusCode(status).putHeader("content-type", "application/json");
      retryAfter.ifPresent(r -> resp.putHeader("retry-after", r));
      resp.end(FakeUpstream.error("failing", "server_error", "x"));
    };
  }

  private static String chat(String model) {
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  }

  @Test
  void retriesOnTheSameDeployment_backOffExponentiallyWithJitter() {
    primary.replyWith(FakeUpstream.sequence(status(500, Optional.empty()), status(502, Optional.empty()), ok()));
    String id = RequestIds.next();
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("one"), id);

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("x-tollgate-attempts")).hasValue("3");
    assertThat(waits).hasSize(2);
    assertThat(waits.get(0).toMillis()).isBetween(50L, 100L);
    assertThat(waits.get(1).toMillis()).isBetween(100L, 200L);
    gateway.awaitUsage(id);
    assertThat(gateway.usageRows(id).stream().sorted(Comparator.comparingInt(UsageRecord::attempt)).map(UsageRecord::status))
        .containsExactly(502, 502, 200);
  }

  @Test
  void retryAfter_longerThanTheBackoff_isWaited() {
    primary.replyWith(FakeUpstream.sequence(status(429, Optional.of("7")), ok()));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("one"));

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(waits).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void retryAfter_beyondTheTotalBudget_isPassedToTheCallerInsteadOfWaited() {
    primary.replyWith(status(429, Optional.of("120")));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("one"));

    assertThat(resp.statusCode()).isEqualTo(429);
    assertThat(resp.headers().firstValue("retry-after")).hasValue("120");
    assertThat(resp.headers().firstValue("x-tollgate-attempts")).hasValue("1");
    assertThat(waits).isEmpty();
    assertThat(primary.receivedCount()).isEqualTo(1);
  }

  @Test
  void anotherDeployment_isTriedWithoutWaiting() {
    primary.replyWith(status(429, Optional.of("30")));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", gateway.masterKey(), chat("two"));

    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("x-tollgate-deployment")).hasValue("two/b");
    assertThat(waits).containsExactly(Duration.ZERO);
  }
}
