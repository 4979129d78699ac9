package dev.tollgate.config;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.ConfigException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One public model name and where it is served: {@code models: [{name, provider, model, base-url, api-key}]}.
 *
 * @param name the name callers put in {@code "model"}
 * @param provider {@code mock} or {@code openai-compatible} (more arrive with the provider adapters)
 * @param upstreamModel the model name sent upstream; defaults to {@code name}
 */
public record ModelConfig(String name, String provider, String upstreamModel, Optional<String> baseUrl,
                          Optional<String> apiKey) {
  public static final Set<String> PROVIDERS = Set.of("mock", "openai-compatible");

  public ModelConfig {
    requireNonNull(name, "models[].name");
    requireNonNull(provider, "models[].provider");
    requireNonNull(upstreamModel, "models[].model");
    requireNonNull(baseUrl, "models[].base-url");
    requireNonNull(apiKey, "models[].api-key");
    if (name.isBlank() || name.length() > 256) {
      throw new ConfigException("models[].name", name, "1..256 characters");
    }
    if (!PROVIDERS.contains(provider)) {
      throw new ConfigException("models[" + name + "].provider", provider, "one of " + String.join(", ", PROVIDERS.stream().sorted().toList()));
    }
    if (provider.equals("openai-compatible")) {
      String url = baseUrl.orElseThrow(() -> new ConfigException("models[" + name + "].base-url", null, "an http(s) URL such as http://127.0.0.1:8000/v1"));
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("models[" + name + "].base-url", url, "an http(s) URL such as http://127.0.0.1:8000/v1");
      }
      if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
        throw new ConfigException("models[" + name + "].base-url", url, "an http(s) URL such as http://127.0.0.1:8000/v1");
      }
    }
  }

  /** Never prints the API key. */
  @Override
  public String toString() {
    return "ModelConfig[name=" + name + ", provider=" + provider + ", model=" + upstreamModel + ", base-url="
        + baseUrl.orElse("-") + ", api-key=" + (apiKey.isPresent() ? "<set>" : "-") + "]";
  }

  public static ModelConfig mock(String name) {
    return new ModelConfig(name, "mock", name, Optional.empty(), Optional.empty());
  }

  public static ModelConfig openAiCompatible(String name, String upstreamModel, String baseUrl, Optional<String> apiKey) {
    return new ModelConfig(name, "openai-compatible", upstreamModel, Optional.of(baseUrl), apiKey);
  }

  static List<ModelConfig> defaultMockModels() {
    return List.of(mock("mock-small"), mock("mock-large"), mock("mock-embed"));
  }
}
