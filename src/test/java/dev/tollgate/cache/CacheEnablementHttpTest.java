package dev.tollgate.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.auth.KeyService;
import dev.tollgate.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cache.keys} and {@code cache.projects}: only the listed keys and projects use the cache. */
class CacheEnablementHttpTest {
  @TempDir
  Path dir;

  @Test
  void onlyListedKeys_useTheCache() {
    // the key list is known only after the keys exist: start once to create them, then again with the list
    String listedId;
    String listedSecret;
    String otherSecret;
    try (TestGateway first = TestGateway.start(dir)) {
      KeyService.CreatedKey listed = first.createKey();
      KeyService.CreatedKey other = first.createKey();
      listedId = listed.key().id();
      listedSecret = listed.secret();
      otherSecret = other.secret();
    }
    CacheConfig config = new CacheConfig(true, Duration.ofHours(1), 1 << 20, 1 << 16, Set.of(listedId), Set.of());
    try (TestGateway gateway = TestGateway.builder(dir).cache(config).start()) {
      String body = "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
      gateway.post("/v1/chat/completions", listedSecret, body);
      HttpResponse<String> listed = gateway.post("/v1/chat/completions", listedSecret, body);
      HttpResponse<String> other = gateway.post("/v1/chat/completions", otherSecret, body);
      assertThat(listed.headers().firstValue("x-tollgate-cache")).hasValue("hit");
      assertThat(other.headers().firstValue("x-tollgate-cache")).hasValue("off");
    }
  }

  @Test
  void onlyKeysOfListedProjects_useTheCache() {
    String listedSecret;
    String otherSecret;
    String project;
    try (TestGateway first = TestGateway.start(dir)) {
      String org = first.createOrg("cached-org");
      project = first.createProject(org, "cached");
      String other = first.createProject(org, "uncached");
      listedSecret = first.createKeyIn(project, "in-cached")[1];
      otherSecret = first.createKeyIn(other, "in-uncached")[1];
    }
    CacheConfig config = new CacheConfig(true, Duration.ofHours(1), 1 << 20, 1 << 16, Set.of(), Set.of(project));
    try (TestGateway gateway = TestGateway.builder(dir).cache(config).start()) {
      String body = "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi project\"}]}";
      HttpResponse<String> miss = gateway.post("/v1/chat/completions", listedSecret, body);
      HttpResponse<String> hit = gateway.post("/v1/chat/completions", listedSecret, body);
      HttpResponse<String> other = gateway.post("/v1/chat/completions", otherSecret, body);
      assertThat(miss.headers().firstValue("x-tollgate-cache")).hasValue("miss");
      assertThat(hit.headers().firstValue("x-tollgate-cache")).hasValue("hit");
      assertThat(other.headers().firstValue("x-tollgate-cache")).hasValue("off");
    }
  }
}
