package dev.tollgate.config;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.ConfigException;
import dev.tollgate.providers.KnownProviders;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * One public model name and where it is served: {@code models: [{name, provider, model, base-url, api-key,
 * headers, <provider-specific keys>}]}. A name ending in {@code /*} (e.g. {@code anthropic/*}, made from the
 * {@code providers:} section) is a wildcard route: {@code anthropic/claude-sonnet-4-5} resolves to it with
 * {@code claude-sonnet-4-5} as the upstream model.
 *
 * @param name the name callers put in {@code "model"}
 * @param provider one of {@link KnownProviders#names()}
 * @param upstreamModel the model name sent upstream; defaults to {@code name}
 * @param baseUrl the provider's base URL; defaults to the provider's known one
 * @param options provider-specific settings (azure: deployment, api-version, entra-token; anthropic:
 *     anthropic-version, max-tokens; openai: organization, project)
 * @param headers extra headers sent upstream with every call
 * @param deploymentId this deployment's id, unique within {@code name}; a model with one upstream uses
 *     {@code default}. Several entries with the same name are the deployments of one public model.
 * @param weight share of traffic under the weighted strategy (0 takes none unless nothing else is left)
 * @param priority order under the priority strategy (lower first)
 * @param region informational (shown by the health API, usable for routing decisions later)
 * @param fallbacks models tried, in order, when every deployment of this one failed (model-level)
 * @param contextWindow the model's context size in tokens, overriding the price catalog's (model-level)
 * @param strategy this model's routing strategy, overriding {@code routing.strategy} (model-level)
 */
public record ModelConfig(String name, String provider, String upstreamModel, Optional<String> baseUrl,
                          Optional<String> apiKey, Map<String, String> options, Map<String, String> headers,
                          String deploymentId, int weight, int priority, Optional<String> region,
                          List<String> fallbacks, OptionalLong contextWindow, Optional<dev.tollgate.routing.Strategy> strategy) {
  public static final String DEFAULT_DEPLOYMENT = "default";
  public static final Set<String> PROVIDERS = new LinkedHashSet<>(KnownProviders.names());
  public static final String WILDCARD = "/*";

  public ModelConfig {
    requireNonNull(name, "models[].name");
    requireNonNull(provider, "models[].provider");
    requireNonNull(upstreamModel, "models[].model");
    requireNonNull(baseUrl, "models[].base-url");
    requireNonNull(apiKey, "models[].api-key");
    options = Map.copyOf(requireNonNull(options, "models[].options"));
    headers = Map.copyOf(requireNonNull(headers, "models[].headers"));
    requireNonNull(deploymentId, "models[].id");
    requireNonNull(region, "models[].region");
    fallbacks = List.copyOf(requireNonNull(fallbacks, "models[].fallbacks"));
    requireNonNull(contextWindow, "models[].context-window");
    requireNonNull(strategy, "models[].strategy");
    if (deploymentId.isBlank() || deploymentId.length() > 128 || deploymentId.contains("/")) {
      throw new ConfigException("models[" + name + "].id", deploymentId, "1..128 characters without '/'");
    }
    if (weight < 0 || weight > 1_000_000) {
      throw new ConfigException("models[" + name + "].weight", weight, "0..1000000");
    }
    if (contextWindow.isPresent() && contextWindow.getAsLong() < 1) {
      throw new ConfigException("models[" + name + "].context-window", contextWindow.getAsLong(), ">= 1");
    }
    if (fallbacks.contains(name)) {
      throw new ConfigException("models[" + name + "].fallbacks", name, "other models than the model itself");
    }
    if (name.isBlank() || name.length() > 256) {
      throw new ConfigException("models[].name", name, "1..256 characters");
    }
    KnownProviders.Known known = KnownProviders.get(provider).orElseThrow(() -> new ConfigException(
        "models[" + name + "].provider", provider, "one of " + String.join(", ", KnownProviders.names())));
    for (String key : options.keySet()) {
      if (!known.options().contains(key)) {
        throw new ConfigException("models[" + name + "]." + key, options.get(key), known.options().isEmpty()
            ? "no such key for provider " + provider
            : "no such key for provider " + provider + "; known: " + String.join(", ", known.options()));
      }
    }
    if (baseUrl.isEmpty()) {
      baseUrl = known.defaultBaseUrl();
    }
    if (known.wire() != KnownProviders.Wire.MOCK) {
      String expected = "an http(s) URL such as " + known.baseUrlExample();
      String url = baseUrl.orElseThrow(() -> new ConfigException("models[" + name + "].base-url", null, expected));
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("models[" + name + "].base-url", url, expected);
      }
      if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
        throw new ConfigException("models[" + name + "].base-url", url, expected);
      }
    }
    if (known.wire() == KnownProviders.Wire.AZURE) {
      if (apiKey.isPresent() == options.containsKey("entra-token")) {
        throw new ConfigException("models[" + name + "].api-key", apiKey.isPresent() ? "<set>" : null,
            "exactly one of api-key (sent as the api-key header) or entra-token (sent as Authorization: Bearer)");
      }
    } else if (known.apiKeyRequired() && apiKey.isEmpty()) {
      throw new ConfigException("models[" + name + "].api-key", null,
          "an API key, e.g. ${" + provider.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_API_KEY}, here or under providers." + provider + ".api-key");
    }
    String maxTokens = options.get("max-tokens");
    if (maxTokens != null) {
      try {
        if (Integer.parseInt(maxTokens.strip()) < 1) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new ConfigException("models[" + name + "].max-tokens", maxTokens, "an integer >= 1");
      }
    }
    for (String h : headers.keySet()) {
      if (h.isBlank() || !h.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
        throw new ConfigException("models[" + name + "].headers", h, "header names of visible ASCII characters");
      }
    }
  }

  /** One deployment named {@code default}, weight 1, no fallbacks: the single-upstream shape. */
  public ModelConfig(String name, String provider, String upstreamModel, Optional<String> baseUrl,
                     Optional<String> apiKey, Map<String, String> options, Map<String, String> headers) {
    this(name, provider, upstreamModel, baseUrl, apiKey, options, headers, DEFAULT_DEPLOYMENT, 1, 0, Optional.empty(),
        List.of(), OptionalLong.empty(), Optional.empty());
  }

  /** This upstream as deployment {@code id} of its model. */
  public ModelConfig asDeployment(String id, int weight, int priority, Optional<String> region) {
    return new ModelConfig(name, provider, upstreamModel, baseUrl, apiKey, options, headers, id, weight, priority, region,
        fallbacks, contextWindow, strategy);
  }

  /** This model with model-level routing settings. */
  public ModelConfig withRouting(List<String> fallbacks, OptionalLong contextWindow,
                                 Optional<dev.tollgate.routing.Strategy> strategy) {
    return new ModelConfig(name, provider, upstreamModel, baseUrl, apiKey, options, headers, deploymentId, weight, priority,
        region, fallbacks, contextWindow, strategy);
  }

  /** The pre-provider-adapters shape: no options, no extra headers. */
  public ModelConfig(String name, String provider, String upstreamModel, Optional<String> baseUrl, Optional<String> apiKey) {
    this(name, provider, upstreamModel, baseUrl, apiKey, Map.of(), Map.of());
  }

  /** True for a {@code provider/*} route. */
  public boolean isWildcard() {
    return name.endsWith(WILDCARD);
  }

  /** This route serving {@code publicName} with {@code upstream} as the upstream model (wildcard resolution). */
  public ModelConfig serving(String publicName, String upstream) {
    return new ModelConfig(publicName, provider, upstream, baseUrl, apiKey, options, headers, deploymentId, weight,
        priority, region, fallbacks, contextWindow, strategy);
  }

  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(key));
  }

  /** Never prints the API key or other secrets. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>(options);
    shown.computeIfPresent("entra-token", (k, v) -> "<set>");
    return "ModelConfig[name=" + name + ", provider=" + provider + ", model=" + upstreamModel + ", base-url="
        + baseUrl.orElse("-") + ", api-key=" + (apiKey.isPresent() ? "<set>" : "-")
        + (shown.isEmpty() ? "" : ", options=" + shown)
        + (headers.isEmpty() ? "" : ", headers=" + new TreeMap<>(headers).keySet())
        + (deploymentId.equals(DEFAULT_DEPLOYMENT) ? "" : ", id=" + deploymentId + ", weight=" + weight + ", priority=" + priority)
        + (fallbacks.isEmpty() ? "" : ", fallbacks=" + fallbacks) + "]";
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
