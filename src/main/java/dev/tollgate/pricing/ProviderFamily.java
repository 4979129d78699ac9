package dev.tollgate.pricing;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a Tollgate provider name maps onto LiteLLM's providers and key prefixes: {@code azure} prices live
 * under {@code azure/...} keys, Gemini API prices under {@code gemini/...}, Vertex and Bedrock prices
 * under bare keys ({@code gemini-2.5-pro}, {@code anthropic.claude-...}) with their own
 * {@code litellm_provider}. A lookup only accepts an entry whose provider belongs to the family, so
 * {@code azure/gpt-5} never silently gets OpenAI's {@code gpt-5} price.
 *
 * @param id canonical name ({@code openai}, {@code azure}, {@code gemini}, {@code vertex_ai}, {@code bedrock}
 *     ...); the empty string for the "any provider" family used by generic OpenAI-compatible upstreams
 * @param keyPrefixes prefixes tried in front of a model name, in order ({@code ""} is the bare name)
 */
record ProviderFamily(String id, Set<String> liteLlmProviders, List<String> keyPrefixes, boolean any) {
  private static final Pattern DIGIT_DOT_DIGIT = Pattern.compile("(?<=\\d)\\.(?=\\d)");

  static final ProviderFamily ANY = new ProviderFamily("", Set.of(), List.of(""), true);

  static ProviderFamily of(String provider) {
    String p = canonical(provider);
    return switch (p) {
      case "", "openai_compatible", "mock", "custom", "generic" -> ANY;
      case "openai" -> new ProviderFamily("openai", Set.of("openai", "text-completion-openai"), List.of("", "openai/"), false);
      case "azure", "azure_openai" -> new ProviderFamily("azure", Set.of("azure", "azure_text"), List.of("azure/"), false);
      case "anthropic" -> new ProviderFamily("anthropic", Set.of("anthropic"), List.of("", "anthropic/"), false);
      case "gemini", "google", "google_ai_studio", "google_ai" ->
          new ProviderFamily("gemini", Set.of("gemini"), List.of("gemini/"), false);
      case "vertex", "vertex_ai", "vertexai", "google_vertex" ->
          new ProviderFamily("vertex_ai", Set.of(), List.of("", "vertex_ai/"), false);
      case "bedrock", "aws", "aws_bedrock", "amazon_bedrock", "bedrock_converse" ->
          new ProviderFamily("bedrock", Set.of("bedrock", "bedrock_converse", "bedrock_mantle"), List.of("", "bedrock/"), false);
      default -> new ProviderFamily(p, Set.copyOf(List.of(p, p.replace('_', '-'))), List.of(p + "/", ""), false);
    };
  }

  /** Whether a model prefix such as {@code azure} in {@code azure/gpt-4o} names a provider. */
  static boolean isAlias(String segment, Set<String> knownProviders) {
    String s = canonical(segment);
    if (s.isEmpty()) {
      return false;
    }
    return switch (s) {
      case "openai", "azure", "azure_openai", "azure_ai", "anthropic", "gemini", "google", "vertex", "vertex_ai",
           "bedrock", "aws" -> true;
      default -> knownProviders.contains(s);
    };
  }

  boolean accepts(String liteLlmProvider) {
    if (any) {
      return true;
    }
    if (id.equals("vertex_ai")) {
      return liteLlmProvider.startsWith("vertex_ai");
    }
    return liteLlmProviders.contains(liteLlmProvider);
  }

  /** The key an override gets when the catalog has no entry for its model. */
  String newKey(String model) {
    if (any) {
      return model;
    }
    return switch (id) {
      case "azure" -> "azure/" + model;
      case "gemini" -> "gemini/" + model;
      case "openai", "anthropic", "vertex_ai", "bedrock" -> model;
      default -> id + "/" + model;
    };
  }

  /** The provider an override of an unknown model is recorded under. */
  String defaultLiteLlmProvider(String requested) {
    return switch (id) {
      case "" -> canonical(requested).isEmpty() ? "custom" : canonical(requested);
      case "vertex_ai" -> "vertex_ai-language-models";
      default -> id;
    };
  }

  static String canonical(String provider) {
    return provider.trim().toLowerCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * The tolerant form of a model name: lower case, {@code @} as {@code -} (Vertex's
   * {@code claude-sonnet-4-5@20250929}), and a dot between digits as {@code -} ({@code claude-sonnet-4.5}).
   * Two names match only if their normal forms are equal; no prefix or date is ever dropped.
   */
  static String normalise(String model) {
    String s = model.trim().toLowerCase(Locale.ROOT).replace('@', '-');
    return DIGIT_DOT_DIGIT.matcher(s).replaceAll("-");
  }
}
