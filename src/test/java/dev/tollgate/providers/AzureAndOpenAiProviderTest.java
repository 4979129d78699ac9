package dev.tollgate.providers;

import static dev.tollgate.providers.FakeUpstream.fixture;
import static dev.tollgate.providers.GatewayHarness.dataEvents;
import static dev.tollgate.providers.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ModelConfig;
import dev.tollgate.usage.TokenUsage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAI wire format at other addresses: Azure deployments (api-key or Entra token), OpenAI with org/project, vendors. */
class AzureAndOpenAiProviderTest {
  @TempDir
  Path tmp;
  FakeUpstream upstream;
  GatewayHarness gateway;

  @BeforeEach
  void start() {
    upstream = FakeUpstream.start();
    String base = upstream.baseUrl();
    gateway = GatewayHarness.start(tmp, List.of(
        new ModelConfig("az", "azure", "gpt-4o", Optional.of(base), Optional.of("az-key"),
            Map.of("deployment", "prod-4o", "api-version", "2024-10-21"), Map.of()),
        new ModelConfig("az-entra", "azure", "gpt-4o-mini", Optional.of(base + "/"), Optional.empty(),
            Map.of("entra-token", "eyJ0eXAi.entra"), Map.of()),
        new ModelConfig("az-v1", "azure", "gpt-4.1", Optional.of(base), Optional.of("az-key"), Map.of("api-version", "v1"), Map.of()),
        new ModelConfig("oai", "openai", "gpt-4.1", Optional.of(base + "/v1"), Optional.of("sk-openai"),
            Map.of("organization", "org-123", "project", "proj_456"), Map.of("x-extra", "1")),
        new ModelConfig("groq", "groq", "llama-3.3-70b-versatile", Optional.of(base + "/openai/v1"), Optional.of("gsk"), Map.of(), Map.of())));
  }

  @AfterEach
  void stop() {
    gateway.close();
    upstream.close();
  }

  @Test
  void azure_deploymentUrl_apiVersion_apiKeyHeader() {
    upstream.then(FakeUpstream.sse(fixture("openai/stream_text.sse"), 1));
    HttpResponse<String> resp = gateway.post("/v1/chat/completions", """
        {"model":"az","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
    FakeUpstream.Recorded req = upstream.take();
    assertThat(req.path()).isEqualTo("/openai/deployments/prod-4o/chat/completions");
    assertThat(req.query()).isEqualTo("api-version=2024-10-21");
    assertThat(req.headers()).containsEntry("api-key", "az-key").doesNotContainKey("authorization");
    assertThat(req.json()).isEqualTo(json("""
        {"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}"""));
    assertThat(dataEvents(resp.body())).noneMatch(c -> c.has("usage"));
    assertThat(gateway.lastRecord().usage()).isEqualTo(TokenUsage.of(20, 2));
  }

  @Test
  void azure_entraToken_isABearer_andDeploymentDefaultsToTheModel() {
    upstream.then(FakeUpstream.json(200, fixture("openai/chat_text.json")));
    gateway.post("/v1/chat/completions", "{\"model\":\"az-entra\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    FakeUpstream.Recorded req = upstream.take();
    assertThat(req.path()).isEqualTo("/openai/deployments/gpt-4o-mini/chat/completions");
    assertThat(req.query()).isEqualTo("api-version=2024-10-21");
    assertThat(req.headers()).containsEntry("authorization", "Bearer eyJ0eXAi.entra").doesNotContainKey("api-key");
  }

  @Test
  void azure_v1Api_hasNoDeploymentInThePath() {
    upstream.then(FakeUpstream.json(200, fixture("openai/chat_text.json")));
    gateway.post("/v1/chat/completions", "{\"model\":\"az-v1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    FakeUpstream.Recorded req = upstream.take();
    assertThat(req.path()).isEqualTo("/openai/v1/chat/completions");
    assertThat(req.query()).isNull();
    assertThat(req.json().path("model").asText()).isEqualTo("gpt-4.1");
  }

  @Test
  void openai_bearerKey_organizationProjectAndExtraHeaders() {
    upstream.then(FakeUpstream.json(200, fixture("openai/chat_tool_calls.json")));
    gateway.post("/v1/chat/completions", "{\"model\":\"oai\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    FakeUpstream.Recorded req = upstream.take();
    assertThat(req.path()).isEqualTo("/v1/chat/completions");
    assertThat(req.headers()).containsEntry("authorization", "Bearer sk-openai").containsEntry("openai-organization", "org-123")
        .containsEntry("openai-project", "proj_456").containsEntry("x-extra", "1");
    // cached_tokens (64) are inside prompt_tokens (82)
    assertThat(gateway.lastRecord().usage()).isEqualTo(new TokenUsage(18, 64, 0, 0, 0, 0, 17, 0, 0));
  }

  @Test
  void knownVendor_usesItsBaseUrl() {
    upstream.then(FakeUpstream.json(200, fixture("openai/chat_text.json")));
    gateway.post("/v1/chat/completions", "{\"model\":\"groq\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    FakeUpstream.Recorded req = upstream.take();
    assertThat(req.path()).isEqualTo("/openai/v1/chat/completions");
    assertThat(req.headers()).containsEntry("authorization", "Bearer gsk");
    assertThat(gateway.lastRecord().provider()).isEqualTo("groq");
  }
}
