package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage rows carry the org, project and key of the caller's key, the end user and the tags. */
class AttributionHttpTest {
  @TempDir
  static Path dir;
  static TestGateway gateway;
  static String org;
  static String project;
  static String[] key;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(dir);
    org = gateway.createOrg("attribution");
    project = gateway.createProject(org, "checkout");
    key = gateway.createKeyIn(project, "checkout-key");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void openAi_userField_andTagsHeader() {
    String id = RequestIds.next();
    gateway.send(gateway.request("/v1/chat/completions").header("Authorization", "Bearer " + key[1])
        .header("content-type", "application/json").header("x-request-id", id).header("x-tollgate-tags", "team-a, exp-1")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-small\",\"user\":\"end-user-7\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());

    UsageRecord row = gateway.awaitUsage(id);

    assertThat(row.orgId()).contains(org);
    assertThat(row.projectId()).contains(project);
    assertThat(row.keyId()).isEqualTo(key[0]);
    assertThat(row.userId()).contains("end-user-7");
    assertThat(row.tags()).containsExactly("team-a", "exp-1");
  }

  @Test
  void userHeader_winsOverTheBody_andMetadataGivesTags() {
    String id = RequestIds.next();
    gateway.send(gateway.request("/v1/chat/completions").header("Authorization", "Bearer " + key[1])
        .header("content-type", "application/json").header("x-request-id", id).header("x-tollgate-user", "from-header")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-small\",\"user\":\"from-body\",\"metadata\":{\"feature\":\"search\",\"tier\":\"gold\"},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());

    UsageRecord row = gateway.awaitUsage(id);

    assertThat(row.userId()).contains("from-header");
    assertThat(row.tags()).containsExactlyInAnyOrder("feature:search", "tier:gold");
  }

  @Test
  void metadataTags_asAList() {
    String id = RequestIds.next();
    gateway.post("/v1/chat/completions", key[1], "{\"model\":\"mock-small\",\"metadata\":{\"tags\":[\"a\",\"b\"]},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", id);

    assertThat(gateway.awaitUsage(id).tags()).containsExactly("a", "b");
  }

  @Test
  void anthropic_metadataUserId() {
    String id = RequestIds.next();
    gateway.post("/v1/messages", key[1], "{\"model\":\"mock-small\",\"max_tokens\":20,\"metadata\":{\"user_id\":\"claude-user\"},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", id);

    UsageRecord row = gateway.awaitUsage(id);

    assertThat(row.userId()).contains("claude-user");
    assertThat(row.projectId()).contains(project);
  }

  @Test
  void theMasterKey_belongsToNoOrg() {
    String id = RequestIds.next();
    gateway.post("/v1/embeddings", gateway.masterKey(), "{\"model\":\"mock-embed\",\"input\":\"x\"}", id);

    assertThat(gateway.awaitUsage(id).orgId()).isEqualTo(Optional.empty());
  }
}
