package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many requests in flight at once, over two event loops: every one is answered and metered exactly once. */
class ConcurrentRequestsTest {
  @TempDir
  Path dir;

  @Test
  void concurrentRequests_eachLeaveExactlyOneLedgerRow() {
    try (TestGateway gateway = TestGateway.builder(dir).eventLoops(2).start();
         HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      String secret = gateway.createKey().secret();
      List<String> ids = new ArrayList<>();
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        String id = RequestIds.next();
        ids.add(id);
        String body = switch (i % 3) {
          case 0 -> "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"q" + i + "\"}]}";
          case 1 -> "{\"model\":\"mock-large\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"q" + i + "\"}]}";
          default -> "{\"model\":\"mock-embed\",\"input\":\"q" + i + "\"}";
        };
        String path = i % 3 == 2 ? "/v1/embeddings" : "/v1/chat/completions";
        responses.add(client.sendAsync(gateway.request(path).header("Authorization", "Bearer " + secret)
            .header("x-request-id", id).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
      }

      assertThat(responses).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
      for (int i = 0; i < ids.size(); i++) {
        UsageRecord row = gateway.awaitUsage(ids.get(i));
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.stream()).isEqualTo(i % 3 == 1);
        assertThat(row.usage().totalInputTokens()).isPositive();
      }
      assertThat(gateway.latestUsage(1000)).hasSize(120);
      assertThat(gateway.tollgate().usageWriter().droppedCount()).isZero();
    }
  }
}
