package dev.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.auth.KeyService;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.config.TollgateConfig.StoreConfig;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, stopping and restarting the whole gateway on one data directory. */
class TollgateTest {
  private static final String HELLO = "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

  @TempDir
  Path dir;

  @Test
  void restart_onTheSameFile_keepsKeysAndTheLedger() {
    KeyService.CreatedKey key;
    String requestId = RequestIds.next();
    try (TestGateway first = TestGateway.start(dir)) {
      key = first.createKey("mock-small");
      assertThat(first.post("/v1/chat/completions", key.secret(), HELLO, requestId).statusCode()).isEqualTo(200);
      first.awaitUsage(requestId);
    }

    try (TestGateway second = TestGateway.start(dir)) {
      assertThat(second.post("/v1/chat/completions", key.secret(), HELLO).statusCode()).isEqualTo(200);
      assertThat(second.post("/v1/chat/completions", key.secret(), HELLO.replace("mock-small", "mock-large")).statusCode())
          .as("the model restriction survived too").isEqualTo(403);
      assertThat(second.usageRows(requestId)).singleElement().satisfies(r -> assertThat(r.keyId()).isEqualTo(key.key().id()));
    }
  }

  @Test
  void close_writesTheRowsStillQueued() {
    List<String> ids = new ArrayList<>();
    try (TestGateway gateway = TestGateway.start(dir)) {
      for (int i = 0; i < 20; i++) {
        String id = RequestIds.next();
        ids.add(id);
        gateway.post("/v1/embeddings", gateway.masterKey(), "{\"model\":\"mock-embed\",\"input\":\"row " + i + "\"}", id);
      }
      // no flush: close must drain the writer's queue
    }

    try (TestGateway reopened = TestGateway.start(dir)) {
      assertThat(ids).allSatisfy(id -> assertThat(reopened.usageRows(id)).hasSize(1));
    }
  }

  @Test
  void start_withTwoEventLoops_servesEveryConnectionOnOnePort() throws Exception {
    try (TestGateway gateway = TestGateway.builder(dir).eventLoops(2).start()) {
      assertThat(gateway.port()).isBetween(1, 65535);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        // A new client each time, so connections are spread over both event loops.
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
          String id = RequestIds.next();
          ids.add(id);
          HttpResponse<String> resp = client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
              .header("Authorization", "Bearer " + gateway.masterKey()).header("x-request-id", id)
              .POST(HttpRequest.BodyPublishers.ofString(HELLO)).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(resp.statusCode()).isEqualTo(200);
        }
      }
      assertThat(ids).allSatisfy(id -> assertThat(gateway.awaitUsage(id).status()).isEqualTo(200));
    }
  }

  @Test
  void start_withoutMasterKey_generatesOneOnceAndKeepsItAcrossRestarts() {
    TollgateConfig config = TollgateConfig.ofDefaults()
        .withServer(TollgateConfig.ServerConfig.ofDefaults().withPort(0))
        .withStore(StoreConfig.duckDbFile(dir.resolve("generated.duckdb")));
    String generated;
    try (Tollgate first = Tollgate.start(config, Clock.systemUTC())) {
      generated = first.generatedMasterKey().orElseThrow();
      assertThat(first.keys().authenticate(Optional.of(generated)).id()).isEqualTo(KeyService.MASTER_ID);
    }

    try (Tollgate second = Tollgate.start(config, Clock.systemUTC())) {
      assertThat(second.generatedMasterKey()).isEmpty();
      assertThat(second.keys().authenticate(Optional.of(generated)).id()).isEqualTo(KeyService.MASTER_ID);
      assertThat(second.port()).isPositive();
      assertThat(second.baseUrl()).isEqualTo("http://127.0.0.1:" + second.port());
    }
  }
}
