package dev.tollgate.providers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every provider name a model may name in {@code provider:}, and what differs between them, as data:
 * which wire protocol the adapter speaks, the default base URL, whether an API key is required, and
 * the extra settings each accepts. Adding an OpenAI-compatible vendor is one line here.
 */
public final class KnownProviders {
  /** The protocol an adapter speaks upstream. */
  public enum Wire { MOCK, OPENAI, AZURE, ANTHROPIC, GEMINI }

  /**
   * One provider.
   *
   * @param defaultBaseUrl used when a model sets no {@code base-url}; empty means {@code base-url} is required
   * @param options the provider-specific config keys it accepts (besides name, model, base-url, api-key, headers)
   */
  public record Known(String name, Wire wire, Optional<String> defaultBaseUrl, boolean apiKeyRequired,
                      List<String> options, String baseUrlExample) {}

  private static final Map<String, Known> TABLE = new LinkedHashMap<>();

  static {
    add("mock", Wire.MOCK, null, false, List.of(), "-");
    add("openai", Wire.OPENAI, "https://api.openai.com/v1", true, List.of("organization", "project"), "https://api.openai.com/v1");
    add("openai-compatible", Wire.OPENAI, null, false, List.of(), "http://127.0.0.1:8000/v1");
    add("azure", Wire.AZURE, null, false, List.of("deployment", "api-version", "entra-token"), "https://my-resource.openai.azure.com");
    add("anthropic", Wire.ANTHROPIC, "https://api.anthropic.com/v1", true, List.of("anthropic-version", "max-tokens"), "https://api.anthropic.com/v1");
    add("gemini", Wire.GEMINI, "https://generativelanguage.googleapis.com/v1beta", true, List.of(), "https://generativelanguage.googleapis.com/v1beta");
    // OpenAI-compatible vendors: the same adapter, a known base URL.
    add("groq", Wire.OPENAI, "https://api.groq.com/openai/v1", true, List.of(), "https://api.groq.com/openai/v1");
    add("mistral", Wire.OPENAI, "https://api.mistral.ai/v1", true, List.of(), "https://api.mistral.ai/v1");
    add("deepseek", Wire.OPENAI, "https://api.deepseek.com/v1", true, List.of(), "https://api.deepseek.com/v1");
    add("openrouter", Wire.OPENAI, "https://openrouter.ai/api/v1", true, List.of(), "https://openrouter.ai/api/v1");
    add("together", Wire.OPENAI, "https://api.together.xyz/v1", true, List.of(), "https://api.together.xyz/v1");
    add("fireworks", Wire.OPENAI, "https://api.fireworks.ai/inference/v1", true, List.of(), "https://api.fireworks.ai/inference/v1");
    add("xai", Wire.OPENAI, "https://api.x.ai/v1", true, List.of(), "https://api.x.ai/v1");
    add("cerebras", Wire.OPENAI, "https://api.cerebras.ai/v1", true, List.of(), "https://api.cerebras.ai/v1");
    add("ollama", Wire.OPENAI, "http://127.0.0.1:11434/v1", false, List.of(), "http://127.0.0.1:11434/v1");
    add("vllm", Wire.OPENAI, "http://127.0.0.1:8000/v1", false, List.of(), "http://127.0.0.1:8000/v1");
  }

  private KnownProviders() {}

  private static void add(String name, Wire wire, String baseUrl, boolean keyRequired, List<String> options, String example) {
    TABLE.put(name, new Known(name, wire, Optional.ofNullable(baseUrl), keyRequired, options, example));
  }

  public static Optional<Known> get(String name) {
    return Optional.ofNullable(TABLE.get(name));
  }

  /** Provider names in table order. */
  public static List<String> names() {
    return List.copyOf(TABLE.keySet());
  }

  public static Map<String, Known> all() {
    return Map.copyOf(TABLE);
  }

  /** The Anthropic {@code max_tokens} used when an OpenAI-style caller sets none (Anthropic requires it). */
  public static final int ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;
  public static final String ANTHROPIC_VERSION = "2023-06-01";
  public static final String AZURE_API_VERSION = "2024-10-21";
}
