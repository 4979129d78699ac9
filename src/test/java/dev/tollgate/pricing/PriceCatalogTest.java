package dev.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceCatalogTest {
  private static final Instant NOW = Instant.parse("2026-08-01T12:00:00Z");
  private static final PriceCatalog CATALOG = PriceCatalog.bundled();

  @Test
  void bundledSnapshot_loadsEveryModel_andSkipsOnlyTheTwoNonModelEntries() {
    LoadReport report = CATALOG.loadReports().getFirst();
    // 2,984 top-level entries = 2,982 models + sample_spec (documentation) + fallback_generalizations (rules).
    assertThat(report.entries()).isEqualTo(2984);
    assertThat(report.loaded()).isEqualTo(2982);
    assertThat(CATALOG.size()).isEqualTo(2982);
    assertThat(report.skipped()).containsOnlyKeys("sample_spec", "fallback_generalizations");
    assertThat(report.source()).isEqualTo("litellm-2026-07-24");
    // Fields the engine does not charge are counted, never silently dropped.
    assertThat(report.unsupportedFields()).containsKeys("input_cost_per_second", "input_cost_per_character",
        "output_cost_per_image_token", "input_dbu_cost_per_token", "cache_read_input_audio_token_cost");
    // W&B entries carry per-million figures in per-token fields ($0.135 per token): kept, but reported.
    assertThat(report.suspicious()).containsKey("wandb/deepseek-ai/DeepSeek-R1-0528");
    assertThat(report.suspicious().get("wandb/deepseek-ai/DeepSeek-R1-0528")).contains("135000 USD per million");
    // 13 W&B models, plus jais (azure_ai, watsonx) and watsonx mt0-xxl above $1000 per million tokens.
    assertThat(report.suspicious()).hasSize(16).containsKeys("azure_ai/jais-30b-chat", "watsonx/core42/jais-13b-chat",
        "watsonx/bigscience/mt0-xxl-13b");
    assertThat(report.suspicious().keySet()).filteredOn(k -> k.startsWith("wandb/")).hasSize(13);
    assertThat(report.unsupportedFields()).doesNotContainKeys("input_cost_per_token", "cache_creation_input_token_cost_above_1hr",
        "input_cost_per_token_above_200k_tokens_priority", "tiered_pricing", "input_cost_per_token_batches");
  }

  @Test
  void pricesAreTheExactDecimalsOfTheJsonText() {
    PricedModel sonnet = CATALOG.lookup("anthropic", "claude-sonnet-4-5", NOW).orElseThrow();
    assertThat(sonnet.rate(PriceComponent.INPUT)).contains(new BigDecimal("3e-06"));
    assertThat(sonnet.rate(PriceComponent.CACHE_WRITE_1H)).contains(new BigDecimal("6e-06"));
    assertThat(sonnet.tiers()).hasSize(2);
    assertThat(sonnet.tiers().get(1).aboveInputTokens()).isEqualTo(200_000);
    assertThat(sonnet.tiers().get(1).rate(ServiceTier.STANDARD, PriceComponent.CACHE_WRITE_1H)).contains(new BigDecimal("1.2e-05"));
    // A float artefact of the source is kept digit for digit, not "repaired" through a double.
    PricedModel dbx = CATALOG.keys().stream().map(k -> CATALOG.lookup("", k, NOW).orElseThrow())
        .filter(m -> m.rate(PriceComponent.INPUT).map(r -> r.compareTo(new BigDecimal("2.9999900000000002e-06")) == 0).orElse(false))
        .findFirst().orElseThrow();
    assertThat(dbx.rate(PriceComponent.INPUT).orElseThrow().toString()).isEqualTo("0.0000029999900000000002");
  }

  @Test
  void tieredPricing_rangesBecomePromptSizeTiers() {
    PricedModel qwen = CATALOG.lookup("dashscope", "qwen3-coder-plus", NOW).orElseThrow();
    assertThat(qwen.tiers()).extracting(PriceTier::aboveInputTokens).containsExactly(0L, 32_000L, 128_000L, 256_000L);
    assertThat(qwen.tierIndexFor(32_000)).isZero();
    assertThat(qwen.tierIndexFor(32_001)).isEqualTo(1);
    assertThat(qwen.tiers().get(3).rate(ServiceTier.STANDARD, PriceComponent.OUTPUT)).contains(new BigDecimal("6e-05"));
  }

  @Test
  void serviceTiersAndRegionalUplift_areParsed() {
    PricedModel gpt54 = CATALOG.lookup("openai", "gpt-5.4", NOW).orElseThrow();
    assertThat(gpt54.tiers().getFirst().rate(ServiceTier.FLEX, PriceComponent.CACHE_READ)).contains(new BigDecimal("1.3e-07"));
    assertThat(gpt54.tiers().getFirst().rate(ServiceTier.BATCH, PriceComponent.OUTPUT)).contains(new BigDecimal("7.5e-06"));
    assertThat(gpt54.tiers().get(1).rate(ServiceTier.STANDARD, PriceComponent.INPUT)).contains(new BigDecimal("5e-06"));
    assertThat(gpt54.regionalMultipliers()).containsEntry("eu", new BigDecimal("1.1"));
    PricedModel gem3 = CATALOG.lookup("vertex_ai", "gemini-3-pro-preview", NOW).orElseThrow();
    assertThat(gem3.tiers().get(1).rate(ServiceTier.PRIORITY, PriceComponent.OUTPUT)).contains(new BigDecimal("3.24e-05"));
  }

  @Test
  void deepseekCacheHitAlias_isTheCacheReadPrice() {
    PricedModel ds = CATALOG.lookup("deepseek", "deepseek-chat", NOW).orElseThrow();
    assertThat(ds.rate(PriceComponent.CACHE_READ)).contains(new BigDecimal("2.8e-08"));
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @CsvSource({
      "openai,       gpt-4o,                                       gpt-4o",
      "openai,       gpt-4o-2024-08-06,                            gpt-4o-2024-08-06",
      "openai,       GPT-4o-Mini,                                  gpt-4o-mini",
      "openai,       openai/gpt-4o,                                gpt-4o",
      "azure,        gpt-4o,                                       azure/gpt-4o",
      "azure,        azure/gpt-4o,                                 azure/gpt-4o",
      "anthropic,    claude-sonnet-4-5,                            claude-sonnet-4-5",
      "anthropic,    anthropic/claude-sonnet-4-5,                  claude-sonnet-4-5",
      "anthropic,    claude-sonnet-4.5,                            claude-sonnet-4-5",
      "anthropic,    claude-sonnet-4-5-20250929,                   claude-sonnet-4-5-20250929",
      "gemini,       gemini-2.5-pro,                               gemini/gemini-2.5-pro",
      "gemini,       gemini/gemini-2.5-pro,                        gemini/gemini-2.5-pro",
      "gemini,       models/gemini-2.5-flash,                      gemini/gemini-2.5-flash",
      "vertex_ai,    gemini-2.5-pro,                               gemini-2.5-pro",
      "vertex_ai,    claude-sonnet-4-5@20250929,                   vertex_ai/claude-sonnet-4-5@20250929",
      "bedrock,      anthropic.claude-sonnet-4-5-20250929-v1:0,    anthropic.claude-sonnet-4-5-20250929-v1:0",
      "bedrock,      bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic.claude-sonnet-4-5-20250929-v1:0",
      "bedrock,      us.anthropic.claude-sonnet-4-5-20250929-v1:0, us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      "'',           bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic.claude-sonnet-4-5-20250929-v1:0",
      "'',           gemini/gemini-2.5-pro,                        gemini/gemini-2.5-pro",
      "openai-compatible, groq/llama-3.3-70b-versatile,            groq/llama-3.3-70b-versatile",
      "groq,         llama-3.3-70b-versatile,                      groq/llama-3.3-70b-versatile",
      "mistral,      mistral-large-latest,                         mistral/mistral-large-latest",
      "deepseek,     deepseek-chat,                                deepseek/deepseek-chat",
  })
  void lookup_toleratesCommonNaming(String provider, String model, String expectedKey) {
    assertThat(CATALOG.lookup(provider, model, NOW)).map(PricedModel::key).contains(expectedKey);
  }

  @ParameterizedTest(name = "{0} + {1} -> unknown")
  @CsvSource({
      "openai,    gpt-4o-2099-01-01",          // a date suffix is never dropped to reach gpt-4o
      "openai,    gpt-4o-mini-turbo",          // nor any other suffix
      "openai,    gpt-4",                      // exists ... but see below: must not be gpt-4o
      "anthropic, claude-sonnet-4-5-20991231",
      "anthropic, claude-sonnet",
      "azure,     my-gpt4o-deployment",        // Azure deployment names need an override
      "azure,     gpt-4o-nonexistent",
      "gemini,    gemini-2.5",
      "bedrock,   anthropic.claude-sonnet-4-5",
      "openai,    anthropic/claude-sonnet-4-5", // a provider prefix of another family is not followed
      "openai,    claude-sonnet-4-5",          // Anthropic's model is not OpenAI's
      "anthropic, gpt-4o",
  })
  void lookup_neverGuessesAnotherModel(String provider, String model) {
    Optional<PricedModel> m = CATALOG.lookup(provider, model, NOW);
    if (model.equals("gpt-4")) {
      assertThat(m).map(PricedModel::key).contains("gpt-4"); // the real gpt-4, not gpt-4o
      return;
    }
    assertThat(m).isEmpty();
  }

  @Test
  void lookup_geminiApiAndVertexPricesAreKeptApart() {
    assertThat(CATALOG.lookup("gemini", "gemini-2.5-pro", NOW)).map(PricedModel::provider).contains("gemini");
    assertThat(CATALOG.lookup("vertex_ai", "gemini-2.5-pro", NOW)).map(PricedModel::provider).contains("vertex_ai-language-models");
  }

  @Test
  void lookup_ambiguousNormalForm_isNotMatched() {
    String json = """
        {"acme/model-1.5": {"litellm_provider": "acme", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
         "acme/model-1-5": {"litellm_provider": "acme", "input_cost_per_token": 9e-06, "output_cost_per_token": 9e-06}}
        """;
    PriceCatalog c = PriceCatalog.empty().withSnapshot(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test", Instant.EPOCH);
    assertThat(c.lookup("acme", "model-1.5", NOW)).map(PricedModel::key).contains("acme/model-1.5"); // exact wins
    assertThat(c.lookup("acme", "MODEL-1.5", NOW)).map(PricedModel::key).contains("acme/model-1.5"); // unique by case
    assertThat(c.lookup("acme", "model-1@5", NOW)).isEmpty(); // two entries normalise to model-1-5: refuse
  }

  @Test
  void snapshotEntryWithABadPrice_isSkippedAndReported() {
    String json = """
        {"good": {"litellm_provider": "acme", "input_cost_per_token": 1e-06},
         "negative": {"litellm_provider": "acme", "input_cost_per_token": -1e-06},
         "text": {"litellm_provider": "acme", "output_cost_per_token": "cheap"},
         "per-second-only": {"litellm_provider": "acme", "input_cost_per_second": 0.0001, "mode": "audio_transcription"}}
        """;
    PriceCatalog c = PriceCatalog.empty().withSnapshot(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test", Instant.EPOCH);
    LoadReport r = c.loadReports().getFirst();
    assertThat(r.loaded()).isEqualTo(2);
    assertThat(r.unpriceable()).isEqualTo(1);
    assertThat(r.skipped()).containsOnlyKeys("negative", "text");
    assertThat(r.skipped().get("negative")).contains("input_cost_per_token: -0.000001 (expected: >= 0)");
    assertThat(r.render()).contains("2 of 4 entries loaded");
  }

  @Test
  void version_findsThePriceAPastRecordWasChargedWith() {
    PricedModel m = CATALOG.lookup("openai", "gpt-4o", NOW).orElseThrow();
    assertThat(m.version().id()).isEqualTo("litellm-2026-07-24:gpt-4o");
    assertThat(m.version().effectiveFrom()).isEqualTo(Instant.EPOCH);
    assertThat(CATALOG.version("litellm-2026-07-24:gpt-4o")).contains(m);
  }
}
