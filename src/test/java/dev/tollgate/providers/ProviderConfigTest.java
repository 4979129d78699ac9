package dev.tollgate.providers;

import static dev.tollgate.providers.FakeUpstream.fixture;
import static dev.tollgate.providers.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.common.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models:} provider settings, the {@code providers:} section, and {@code provider/model} names. */
class ProviderConfigTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, String> ENV = Map.of("ANTHROPIC_API_KEY", "sk-ant-env", "AZURE_KEY", "az-env");

  @TempDir
  Path tmp;

  private static TollgateConfig load(String yaml) {
    try {
      return new ConfigLoader(ENV::get).bind((ObjectNode) YAML.readTree(yaml));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ModelConfig model(TollgateConfig c, String name) {
    return c.models().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void providersSection_makesWildcardRoutes_advertisedModels_andFillsModelDefaults() {
    TollgateConfig c = load("""
        providers:
          anthropic:
            api-key: ${ANTHROPIC_API_KEY}
            max-tokens: 8192
            models: [claude-sonnet-4-5]
        models:
          - name: claude
            provider: anthropic
            model: claude-haiku-4-5
        """);
    assertThat(c.models()).extracting(ModelConfig::name).containsExactly("claude", "anthropic/claude-sonnet-4-5", "anthropic/*");
    ModelConfig claude = model(c, "claude");
    assertThat(claude.apiKey()).hasValue("sk-ant-env");
    assertThat(claude.baseUrl()).hasValue("https://api.anthropic.com/v1");
    assertThat(claude.option("max-tokens")).hasValue("8192");
    assertThat(model(c, "anthropic/claude-sonnet-4-5").upstreamModel()).isEqualTo("claude-sonnet-4-5");
    assertThat(model(c, "anthropic/*").isWildcard()).isTrue();
    assertThat(claude.toString()).doesNotContain("sk-ant-env");
  }

  @Test
  void knownVendors_getTheirBaseUrl() {
    TollgateConfig c = load("""
        models:
          - {name: llama, provider: groq, model: llama-3.3-70b-versatile, api-key: gsk}
          - {name: local, provider: ollama, model: llama3.2}
          - {name: gpt, provider: openai, api-key: sk, organization: org-1}
        """);
    assertThat(model(c, "llama").baseUrl()).hasValue("https://api.groq.com/openai/v1");
    assertThat(model(c, "local").baseUrl()).hasValue("http://127.0.0.1:11434/v1");
    assertThat(model(c, "local").apiKey()).isEmpty();
    assertThat(model(c, "gpt").baseUrl()).hasValue("https://api.openai.com/v1");
  }

  @Test
  void errors_nameTheKey() {
    assertThatThrownBy(() -> load("models: [{name: claude, provider: anthropic}]"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("models[claude].api-key: <missing> (expected: an API key")
        .hasMessageContaining("providers.anthropic.api-key");
    assertThatThrownBy(() -> load("providers: {gemini: {base-url: 'https://x.example/v1beta'}}"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("providers.gemini.api-key: <missing>");
    assertThatThrownBy(() -> load("models: [{name: c, provider: anthropic, api-key: k, deployment: d}]"))
        .isInstanceOf(ConfigException.class).hasMessage("models[c].deployment: 'd' (expected: no such key for provider anthropic; known: anthropic-version, max-tokens)");
    assertThatThrownBy(() -> load("models: [{name: a, provider: azure, base-url: 'https://r.openai.azure.com', api-key: k, entra-token: t}]"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("models[a].api-key:").hasMessageContaining("exactly one of api-key");
    assertThatThrownBy(() -> load("models: [{name: a, provider: azure, api-key: k}]"))
        .isInstanceOf(ConfigException.class).hasMessage("models[a].base-url: <missing> (expected: an http(s) URL such as https://my-resource.openai.azure.com)");
    assertThatThrownBy(() -> load("providers: {opneai: {api-key: k}}"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("providers.opneai:").hasMessageContaining("known: mock, openai");
    assertThatThrownBy(() -> load("providers: {anthropic: {api-key: k, max-tokens: lots}}"))
        .isInstanceOf(ConfigException.class).hasMessage("providers.anthropic.max-tokens: 'lots' (expected: an integer >= 1)");
    assertThatThrownBy(() -> load("models: [{name: x, provider: openai, api-key: k, colour: red}]"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("models[0].colour:");
  }

  @Test
  void providerSlashModel_isServed_listed_andGuardedByKeys() throws Exception {
    try (FakeUpstream anthropic = FakeUpstream.start()) {
      TollgateConfig config = load("""
          providers:
            anthropic:
              api-key: ${ANTHROPIC_API_KEY}
              base-url: %s/v1
              models: [claude-sonnet-4-5]
          models:
            - {name: mock-small, provider: mock}
          """.formatted(anthropic.baseUrl()));
      try (GatewayHarness gateway = GatewayHarness.start(tmp, config)) {
        anthropic.then(FakeUpstream.json(200, fixture("anthropic/message_text.json")));
        assertThat(gateway.post("/v1/chat/completions", """
            {"model":"anthropic/claude-haiku-4-5","messages":[{"role":"user","content":"Hi"}]}""").statusCode()).isEqualTo(200);
        FakeUpstream.Recorded req = anthropic.take();
        assertThat(req.json().path("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(req.headers()).containsEntry("x-api-key", "sk-ant-env");
        assertThat(gateway.lastRecord().modelRequested()).isEqualTo("anthropic/claude-haiku-4-5");

        JsonNode models = json(gateway.get("/v1/models").body());
        assertThat(models.path("data").findValuesAsText("id")).containsExactly("mock-small", "anthropic/claude-sonnet-4-5");
        JsonNode one = json(gateway.get("/v1/models/anthropic/claude-sonnet-4-5").body());
        assertThat(one.path("owned_by").asText()).isEqualTo("anthropic");
        assertThat(gateway.post("/v1/chat/completions", """
            {"model":"openai/gpt-4o","messages":[{"role":"user","content":"Hi"}]}""").statusCode()).isEqualTo(404);

        String limited = gateway.tollgate.keys().create("limited", Set.of("anthropic/claude-haiku-4-5"), Optional.empty()).secret();
        String family = gateway.tollgate.keys().create("family", Set.of("anthropic/*"), Optional.empty()).secret();
        HttpClient http = HttpClient.newHttpClient();
        JsonNode visible = json(http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models"))
            .header("authorization", "Bearer " + limited).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(visible.path("data").findValuesAsText("id")).containsExactly("anthropic/claude-haiku-4-5");
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"anthropic/claude-opus-4-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
            Map.of("authorization", "Bearer " + limited)).statusCode()).isEqualTo(403);
        anthropic.then(FakeUpstream.json(200, fixture("anthropic/message_text.json")));
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"anthropic/claude-opus-4-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
            Map.of("authorization", "Bearer " + family)).statusCode()).isEqualTo(200);
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"mock-small\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
            Map.of("authorization", "Bearer " + family)).statusCode()).isEqualTo(403);
      }
    }
  }
}
