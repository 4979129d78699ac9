package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.cache.CacheConfig;
import dev.tollgate.common.ConfigException;
import dev.tollgate.routing.RoutingConfig;
import dev.tollgate.routing.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models:} with deployments, fallbacks and context windows, and the {@code routing:} and {@code cache:} sections. */
class RoutingConfigLoaderTest {
  @TempDir
  Path dir;

  private TollgateConfig load(String yaml) {
    try {
      Path file = dir.resolve("tollgate.yaml");
      Files.writeString(file, yaml);
      return new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test", "AZURE_KEY", "az-test")::get).load(Optional.of(file));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void oneModel_severalDeployments_withWeightsPriorityRegion_andModelLevelSettings() {
    TollgateConfig c = load("""
        models:
          - name: gpt-4o
            strategy: lowest-latency
            fallbacks: [claude]
            context-window: 128000
            deployments:
              - {id: openai, provider: openai, model: gpt-4o, api-key: "${OPENAI_API_KEY}", weight: 3, region: us}
              - {id: azure-eu, provider: azure, base-url: "https://eu.openai.azure.com", api-key: "${AZURE_KEY}",
                 deployment: gpt4o-eu, weight: 1, priority: 2, region: eu}
          - name: claude
            provider: mock
        """);
    List<ModelConfig> gpt = c.models().stream().filter(m -> m.name().equals("gpt-4o")).toList();
    assertThat(gpt).extracting(ModelConfig::deploymentId).containsExactly("openai", "azure-eu");
    assertThat(gpt).extracting(ModelConfig::weight).containsExactly(3, 1);
    assertThat(gpt.get(1).priority()).isEqualTo(2);
    assertThat(gpt.get(1).region()).hasValue("eu");
    assertThat(gpt.get(1).option("deployment")).hasValue("gpt4o-eu");
    assertThat(gpt.get(0).apiKey()).hasValue("sk-test");
    assertThat(gpt).allSatisfy(m -> {
      assertThat(m.fallbacks()).containsExactly("claude");
      assertThat(m.contextWindow()).hasValue(128_000);
      assertThat(m.strategy()).hasValue(Strategy.LATENCY);
    });
    ModelConfig claude = c.models().stream().filter(m -> m.name().equals("claude")).findFirst().orElseThrow();
    assertThat(claude.deploymentId()).isEqualTo(ModelConfig.DEFAULT_DEPLOYMENT);
    assertThat(claude.weight()).isEqualTo(1);
  }

  @Test
  void routingAndCacheSections() {
    TollgateConfig c = load("""
        routing:
          strategy: cheapest
          retry: {max-attempts: 4, initial-backoff: 100ms, max-backoff: 2s, max-total: 30s}
          breaker: {failure-threshold: 2, cooldown: 10s, half-open-probes: 2}
          timeouts: {first-token: 5s, idle: 20s, total: 2m}
        cache:
          enabled: true
          ttl: 10m
          max-bytes: 64MiB
          max-entry-bytes: 512KiB
          projects: [proj-1]
        """);
    RoutingConfig r = c.routing();
    assertThat(r.strategy()).isEqualTo(Strategy.CHEAPEST);
    assertThat(r.retry().maxAttempts()).isEqualTo(4);
    assertThat(r.retry().initialBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(r.breaker().failureThreshold()).isEqualTo(2);
    assertThat(r.breaker().halfOpenProbes()).isEqualTo(2);
    assertThat(r.timeouts().firstToken()).isEqualTo(Duration.ofSeconds(5));
    assertThat(r.timeouts().total()).isEqualTo(Duration.ofMinutes(2));
    CacheConfig cache = c.cache();
    assertThat(cache.enabled()).isTrue();
    assertThat(cache.ttl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(cache.maxBytes()).isEqualTo(64L << 20);
    assertThat(cache.appliesTo("any-key", Optional.of("proj-1"))).isTrue();
    assertThat(cache.appliesTo("any-key", Optional.of("proj-2"))).isFalse();
  }

  @Test
  void defaults_keepTheSingleUpstreamBehaviour() {
    TollgateConfig c = load("models:\n  - {name: a, provider: mock}\n");
    assertThat(c.routing()).isEqualTo(RoutingConfig.ofDefaults());
    assertThat(c.routing().retry().maxAttempts()).isEqualTo(1);
    assertThat(c.cache().enabled()).isFalse();
  }

  @Test
  void mistakes_areNamed() {
    assertThatThrownBy(() -> load("routing:\n  strategy: fastest\n")).isInstanceOf(ConfigException.class)
        .hasMessage("routing.strategy: 'fastest' (expected: one of weighted, lowest-latency, least-busy, cheapest, priority)");
    assertThatThrownBy(() -> load("routing:\n  retry: {max-attempts: 0}\n")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("routing.retry.max-attempts: 0");
    assertThatThrownBy(() -> load("routing:\n  retries: {}\n")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("routing.retries:");
    assertThatThrownBy(() -> load("cache:\n  ttl: 0s\n")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cache.ttl:");
    assertThatThrownBy(() -> load("""
        models:
          - name: m
            deployments:
              - {id: x, provider: mock}
              - {id: x, provider: mock}
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("models[m].id: 'x' (expected: an id not used by another deployment of m)");
    assertThatThrownBy(() -> load("""
        models:
          - name: m
            deployments:
              - {provider: mock, fallbacks: [a]}
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("models[0].deployments[0].fallbacks");
    assertThatThrownBy(() -> load("models:\n  - {name: m, provider: mock, weight: -1}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("models[m].weight: -1");
  }
}
