package dev.tollgate.pricing;

import static dev.tollgate.pricing.CostFlag.DERIVED;
import static dev.tollgate.pricing.CostFlag.FALLBACK;
import static dev.tollgate.pricing.CostFlag.INCOMPLETE;
import static dev.tollgate.pricing.CostFlag.LONG_CONTEXT;
import static dev.tollgate.pricing.CostFlag.UNPRICED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.usage.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven costs. Every expected value is computed by hand from the LiteLLM snapshot's per-token
 * prices (quoted in the comment of each row), in USD, then x 1e9 for nano-USD.
 */
class CostEngineTest {
  static final Instant NOW = Instant.parse("2026-08-01T12:00:00Z");
  static final Instant SEPT = Instant.parse("2026-09-01T00:00:00Z");

  /** The shipped snapshot plus two overrides: a gpt-4o price from September, and a Claude model priced by input/output only. */
  static final PriceCatalog CATALOG = PriceCatalog.bundled().withOverrides(List.of(
      PriceOverride.builder("openai", "gpt-4o", SEPT).source("config")
          .perMillion(PriceComponent.INPUT, "2.00").perMillion(PriceComponent.OUTPUT, "8.00").build(),
      PriceOverride.builder("anthropic", "claude-custom", Instant.EPOCH).source("config")
          .perMillion(PriceComponent.INPUT, "3").perMillion(PriceComponent.OUTPUT, "15").build()));

  record Row(String name, String provider, String model, TokenUsage usage, CostContext context, Instant at,
             long expectedNanos, Set<CostFlag> expectedFlags) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Arguments in TokenUsage order: input, cacheRead, write5m, write1h, audioIn, imageIn, output, reasoning, audioOut. */
  static TokenUsage u(long in, long cacheRead, long write5m, long write1h, long audioIn, long imageIn, long out, long reasoning, long audioOut) {
    return new TokenUsage(in, cacheRead, write5m, write1h, audioIn, imageIn, out, reasoning, audioOut);
  }

  static Row row(String name, String provider, String model, TokenUsage usage, long nanos, CostFlag... flags) {
    return new Row(name, provider, model, usage, CostContext.STANDARD, NOW, nanos, flags.length == 0 ? Set.of() : Set.of(flags));
  }

  static Row row(String name, String provider, String model, TokenUsage usage, CostContext ctx, long nanos, CostFlag... flags) {
    return new Row(name, provider, model, usage, ctx, NOW, nanos, flags.length == 0 ? Set.of() : Set.of(flags));
  }

  static Row rowAt(String name, Instant at, String provider, String model, TokenUsage usage, long nanos, CostFlag... flags) {
    return new Row(name, provider, model, usage, CostContext.STANDARD, at, nanos, flags.length == 0 ? Set.of() : Set.of(flags));
  }

  static final CostContext BATCH = CostContext.of(ServiceTier.BATCH);
  static final CostContext FLEX = CostContext.of(ServiceTier.FLEX);
  static final CostContext PRIORITY = CostContext.of(ServiceTier.PRIORITY);

  static Stream<Row> rows() {
    return Stream.of(
        // --- plain input / output -------------------------------------------------------------------
        // gpt-4o: in 2.5e-06, out 1e-05. 1000*2.5e-06 = 0.0025; 500*1e-05 = 0.005; total 0.0075 USD
        row("openai gpt-4o plain", "openai", "gpt-4o", TokenUsage.of(1000, 500), 7_500_000),
        // dated snapshot key, same prices: 0.0075 USD
        row("openai gpt-4o-2024-08-06 plain", "openai", "gpt-4o-2024-08-06", TokenUsage.of(1000, 500), 7_500_000),

        // --- cached reads (OpenAI: prompt_tokens 1000 incl. 400 cached -> input 600 + cacheRead 400) ---
        // 600*2.5e-06 = 0.0015; 400*1.25e-06 = 0.0005; 100*1e-05 = 0.001; total 0.003
        row("openai gpt-4o cached read", "openai", "gpt-4o", u(600, 400, 0, 0, 0, 0, 100, 0, 0), 3_000_000),
        // gpt-4o-mini: in 1.5e-07, cr 7.5e-08, out 6e-07. 10000*1.5e-07 = 0.0015; 90000*7.5e-08 = 0.00675;
        // 2000*6e-07 = 0.0012; total 0.00945
        row("openai gpt-4o-mini cached read", "openai", "gpt-4o-mini", u(10_000, 90_000, 0, 0, 0, 0, 2000, 0, 0), 9_450_000),
        // azure/gpt-4o: same prices as row 3: 0.003
        row("azure gpt-4o cached read", "azure", "gpt-4o", u(600, 400, 0, 0, 0, 0, 100, 0, 0), 3_000_000),

        // --- cache writes 5m / 1h ---------------------------------------------------------------------
        // claude-sonnet-4-5: in 3e-06, cw5m 3.75e-06, out 1.5e-05. 100*3e-06 = 0.0003; 10000*3.75e-06 = 0.0375;
        // 500*1.5e-05 = 0.0075; total 0.0453
        row("anthropic sonnet-4.5 5m write", "anthropic", "claude-sonnet-4-5", u(100, 0, 10_000, 0, 0, 0, 500, 0, 0), 45_300_000),
        // cr 3e-07, cw1h 6e-06. 50*3e-06 = 0.00015; 20000*3e-07 = 0.006; 5000*6e-06 = 0.03; 1000*1.5e-05 = 0.015;
        // total 0.05115
        row("anthropic sonnet-4.5 1h write + read", "anthropic", "claude-sonnet-4-5", u(50, 20_000, 0, 5000, 0, 0, 1000, 0, 0), 51_150_000),
        // claude-opus-4-1: in 1.5e-05, cr 1.5e-06, cw5m 1.875e-05, cw1h 3e-05, out 7.5e-05.
        // 1000*1.5e-05 = 0.015; 2000*1.5e-06 = 0.003; 3000*1.875e-05 = 0.05625; 4000*3e-05 = 0.12;
        // 500*7.5e-05 = 0.0375; total 0.23175
        row("anthropic opus-4.1 every cache class", "anthropic", "claude-opus-4-1", u(1000, 2000, 3000, 4000, 0, 0, 500, 0, 0), 231_750_000),
        // Bedrock Claude 3.7 lists no 1h price: Anthropic rule 2 x input = 2*3e-06 = 6e-06 (DERIVED).
        // 1000*3e-06 = 0.003; 10000*6e-06 = 0.06; 100*1.5e-05 = 0.0015; total 0.0645
        row("bedrock claude-3.7 1h write derived", "bedrock", "anthropic.claude-3-7-sonnet-20250219-v1:0",
            u(1000, 0, 0, 10_000, 0, 0, 100, 0, 0), 64_500_000, DERIVED),
        // bedrock/ prefix; cw5m 3.75e-06, cr 3e-07 listed. 2000*3.75e-06 = 0.0075; 8000*3e-07 = 0.0024;
        // 10*1.5e-05 = 0.00015; total 0.01005
        row("bedrock-prefixed claude-3.7 5m write + read", "bedrock", "bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0",
            u(0, 8000, 2000, 0, 0, 0, 10, 0, 0), 10_050_000),
        // override with input 3/M and output 15/M only: cw5m derived 1.25*3e-06 = 3.75e-06, cr derived
        // 0.1*3e-06 = 3e-07. 1000*3.75e-06 = 0.00375; 1000*3e-07 = 0.0003; total 0.00405
        row("override claude, cache prices derived", "anthropic", "claude-custom", u(0, 1000, 1000, 0, 0, 0, 0, 0, 0), 4_050_000, DERIVED),
        // OpenAI lists no cache-write price: billed as input (FALLBACK). 1000*2.5e-06 = 0.0025
        row("openai gpt-4o cache write falls back to input", "openai", "gpt-4o", u(0, 0, 1000, 0, 0, 0, 0, 0, 0), 2_500_000, FALLBACK),

        // --- long context: ALL tokens at the tier rate when the prompt is > threshold ---------------------
        // prompt = 150000 + 50000 = 200000, not > 200000: base. 150000*3e-06 = 0.45; 50000*3e-07 = 0.015;
        // 1000*1.5e-05 = 0.015; total 0.48
        row("sonnet-4.5 prompt exactly 200k: base", "anthropic", "claude-sonnet-4-5", u(150_000, 50_000, 0, 0, 0, 0, 1000, 0, 0), 480_000_000),
        // prompt 200001 > 200000: in 6e-06, cr 6e-07, out 2.25e-05. 150001*6e-06 = 0.900006;
        // 50000*6e-07 = 0.03; 1000*2.25e-05 = 0.0225; total 0.952506
        row("sonnet-4.5 prompt 200,001: long-context", "anthropic", "claude-sonnet-4-5", u(150_001, 50_000, 0, 0, 0, 0, 1000, 0, 0), 952_506_000, LONG_CONTEXT),
        // prompt 201000; cw1h above 200k listed 1.2e-05. 200000*6e-06 = 1.2; 1000*1.2e-05 = 0.012; total 1.212
        row("sonnet-4.5 long-context 1h write", "anthropic", "claude-sonnet-4-5", u(200_000, 0, 0, 1000, 0, 0, 0, 0, 0), 1_212_000_000L, LONG_CONTEXT),
        // gemini/gemini-2.5-pro: in 1.25e-06, out 1e-05. 200000*1.25e-06 = 0.25; 1000*1e-05 = 0.01; total 0.26
        row("gemini-2.5-pro prompt 200,000: base", "gemini", "gemini-2.5-pro", TokenUsage.of(200_000, 1000), 260_000_000),
        // above: in 2.5e-06, out 1.5e-05. 200001*2.5e-06 = 0.5000025; 1000*1.5e-05 = 0.015; total 0.5150025
        row("gemini-2.5-pro prompt 200,001: long-context", "gemini", "gemini-2.5-pro", TokenUsage.of(200_001, 1000), 515_002_500, LONG_CONTEXT),
        // gpt-5.4 (272k tier): 272000*2.5e-06 = 0.68
        row("gpt-5.4 prompt 272,000: base", "openai", "gpt-5.4", TokenUsage.of(272_000, 0), 680_000_000),
        // 272001*5e-06 = 1.360005
        row("gpt-5.4 prompt 272,001: long-context", "openai", "gpt-5.4", TokenUsage.of(272_001, 0), 1_360_005_000L, LONG_CONTEXT),

        // --- tiered_pricing (dashscope qwen3-coder-plus: (0,32k] in 1e-06 cr 1e-07 out 5e-06;
        //     (32k,128k] in 1.8e-06 cr 1.8e-07 out 9e-06; (256k,1M] in 6e-06 out 6e-05) -----------------
        // prompt 32000 (boundary, first range): 30000*1e-06 = 0.03; 2000*1e-07 = 0.0002; 1000*5e-06 = 0.005;
        // total 0.0352
        row("tiered_pricing at 32,000: first range", "dashscope", "qwen3-coder-plus", u(30_000, 2000, 0, 0, 0, 0, 1000, 0, 0), 35_200_000),
        // prompt 32001: 30001*1.8e-06 = 0.0540018; 2000*1.8e-07 = 0.00036; 1000*9e-06 = 0.009; total 0.0633618
        row("tiered_pricing at 32,001: second range", "dashscope", "qwen3-coder-plus", u(30_001, 2000, 0, 0, 0, 0, 1000, 0, 0), 63_361_800, LONG_CONTEXT),
        // prompt 300000: 300000*6e-06 = 1.8; 10000*6e-05 = 0.6; total 2.4
        row("tiered_pricing at 300,000: top range", "dashscope", "qwen3-coder-plus", TokenUsage.of(300_000, 10_000), 2_400_000_000L, LONG_CONTEXT),

        // --- service tiers ----------------------------------------------------------------------------
        // gpt-4o batch: in 1.25e-06, out 5e-06. 1e6*1.25e-06 = 1.25; 1e5*5e-06 = 0.5; total 1.75
        row("openai gpt-4o batch", "openai", "gpt-4o", TokenUsage.of(1_000_000, 100_000), BATCH, 1_750_000_000L),
        // no batch cache-read price: standard 1.25e-06 (FALLBACK). 1000*1.25e-06 + 1000*1.25e-06 = 0.0025
        row("openai gpt-4o batch cache read falls back", "openai", "gpt-4o", u(1000, 1000, 0, 0, 0, 0, 0, 0, 0), BATCH, 2_500_000, FALLBACK),
        // azure/gpt-4o lists no batch prices at all: standard. 1000*2.5e-06 + 1000*1e-05 = 0.0125
        row("azure gpt-4o batch without batch prices", "azure", "gpt-4o", TokenUsage.of(1000, 1000), BATCH, 12_500_000, FALLBACK),
        // text-embedding-3-small batch in 1e-08: 1e6*1e-08 = 0.01
        row("openai embedding batch", "openai", "text-embedding-3-small", TokenUsage.of(1_000_000, 0), BATCH, 10_000_000),
        // vertex_ai/claude-sonnet-4-5 batch: in 1.5e-06, out 7.5e-06. 10000*1.5e-06 = 0.015; 1000*7.5e-06 = 0.0075
        row("vertex claude batch", "vertex_ai", "claude-sonnet-4-5", TokenUsage.of(10_000, 1000), BATCH, 22_500_000),
        // no batch 5m-write price: standard 3.75e-06 (FALLBACK). 1000*3.75e-06 = 0.00375
        row("vertex claude batch 5m write falls back", "vertex_ai", "claude-sonnet-4-5", u(0, 0, 1000, 0, 0, 0, 0, 0, 0), BATCH, 3_750_000, FALLBACK),
        // o3 flex: in 1e-06, cr 2.5e-07, out 4e-06. 10000*1e-06 = 0.01; 5000*2.5e-07 = 0.00125;
        // 20000*4e-06 = 0.08 (15000 of it reasoning, no distinct price); total 0.09125
        row("openai o3 flex", "openai", "o3", u(10_000, 5000, 0, 0, 0, 0, 20_000, 15_000, 0), FLEX, 91_250_000),
        // o3 priority: in 3.5e-06, cr 8.75e-07, out 1.4e-05. 10000*3.5e-06 = 0.035; 5000*8.75e-07 = 0.004375;
        // 20000*1.4e-05 = 0.28; total 0.319375
        row("openai o3 priority", "openai", "o3", u(10_000, 5000, 0, 0, 0, 0, 20_000, 0, 0), PRIORITY, 319_375_000),
        // gpt-4o priority: in 4.25e-06, cr 2.125e-06, out 1.7e-05. 0.00425 + 0.002125 + 0.017 = 0.023375
        row("openai gpt-4o priority", "openai", "gpt-4o", u(1000, 1000, 0, 0, 0, 0, 1000, 0, 0), PRIORITY, 23_375_000),
        // gemini/gemini-2.5-pro priority above 200k: in 2.5e-06, out 1.5e-05 listed; cache read has no priority
        // price above 200k: standard above-200k 2.5e-07 (FALLBACK). 250000*2.5e-06 = 0.625;
        // 10000*2.5e-07 = 0.0025; 2000*1.5e-05 = 0.03; total 0.6575
        row("gemini-2.5-pro priority long-context", "gemini", "gemini-2.5-pro", u(250_000, 10_000, 0, 0, 0, 0, 2000, 0, 0), PRIORITY,
            657_500_000, LONG_CONTEXT, FALLBACK),

        // --- reasoning ----------------------------------------------------------------------------------
        // gemini/gemini-2.5-flash: in 3e-07, out 2.5e-06, reasoning 2.5e-06. 1000*3e-07 = 0.0003;
        // 4000*2.5e-06 = 0.01 (reasoning); 1000*2.5e-06 = 0.0025 (rest of output); total 0.0128
        row("gemini-2.5-flash reasoning", "gemini", "gemini-2.5-flash", u(1000, 0, 0, 0, 0, 0, 5000, 4000, 0), 12_800_000),
        // dashscope/qwen-turbo: in 5e-08, out 2e-07, reasoning 5e-07. 10000*5e-08 = 0.0005;
        // 2000*5e-07 = 0.001; (3000-2000)*2e-07 = 0.0002; total 0.0017
        row("qwen-turbo distinct reasoning price", "dashscope", "qwen-turbo", u(10_000, 0, 0, 0, 0, 0, 3000, 2000, 0), 1_700_000),
        // o3: no reasoning price, reasoning is output. 1000*2e-06 = 0.002; 10000*8e-06 = 0.08; total 0.082
        row("o3 reasoning at output price", "openai", "o3", u(1000, 0, 0, 0, 0, 0, 10_000, 9000, 0), 82_000_000),

        // --- audio ----------------------------------------------------------------------------------------
        // gpt-4o-audio-preview: in 2.5e-06, audio in 4e-05, out 1e-05, audio out 8e-05.
        // 100*2.5e-06 = 0.00025; 1000*4e-05 = 0.04; 50*1e-05 = 0.0005; 2000*8e-05 = 0.16; total 0.20075
        row("openai audio in/out", "openai", "gpt-4o-audio-preview", u(100, 0, 0, 0, 1000, 0, 50, 0, 2000), 200_750_000),
        // gemini/gemini-2.5-flash audio in 1e-06. 500*3e-07 = 0.00015; 10000*1e-06 = 0.01; 100*2.5e-06 = 0.00025
        row("gemini audio input", "gemini", "gemini-2.5-flash", u(500, 0, 0, 0, 10_000, 0, 100, 0, 0), 10_400_000),
        // gpt-4o lists no audio price: text input price (FALLBACK). 1000*2.5e-06 = 0.0025
        row("gpt-4o audio falls back to text", "openai", "gpt-4o", u(0, 0, 0, 0, 1000, 0, 0, 0, 0), 2_500_000, FALLBACK),

        // --- images ----------------------------------------------------------------------------------------
        // gpt-4o image tokens are input tokens: 500*2.5e-06 = 0.00125; 765*2.5e-06 = 0.0019125;
        // 100*1e-05 = 0.001; total 0.0041625
        row("gpt-4o image tokens at input price", "openai", "gpt-4o", u(500, 0, 0, 0, 0, 765, 100, 0, 0), 4_162_500),
        // Bedrock Nova 2 Pro: in 2.1875e-06, image token 2.1875e-06, out 1.75e-05.
        // 1000*2.1875e-06 = 0.0021875; 1000*2.1875e-06 = 0.0021875; 100*1.75e-05 = 0.00175; total 0.006125
        row("bedrock nova image token price", "bedrock", "amazon.nova-2-pro-preview-20251202-v1:0", u(1000, 0, 0, 0, 0, 1000, 100, 0, 0), 6_125_000),
        // xai/grok-2-vision-1212 bills per image (2e-06 each); its 500 image tokens are not charged again.
        // 1000*2e-06 = 0.002; 2*2e-06 = 0.000004; 100*1e-05 = 0.001; total 0.003004
        row("xai per-image input price", "xai", "grok-2-vision-1212", u(1000, 0, 0, 0, 0, 500, 100, 0, 0),
            CostContext.STANDARD.withInputImages(2), 3_004_000),
        // dall-e-3: 0.04 per generated image (LiteLLM field input_cost_per_image). 2*0.04 = 0.08
        row("openai image generation per image", "openai", "dall-e-3", TokenUsage.ZERO, CostContext.STANDARD.withOutputImages(2), 80_000_000),

        // --- fees ------------------------------------------------------------------------------------------
        // perplexity/pplx-70b-online: in 0, out 2.8e-06, 0.005 per request. 100*2.8e-06 = 0.00028 + 0.005 = 0.00528
        row("perplexity per-request fee", "perplexity", "pplx-70b-online", TokenUsage.of(1000, 100), 5_280_000),
        // gemini/gemini-2.5-pro web search 0.035/query (medium): 100*1.25e-06 = 0.000125; 100*1e-05 = 0.001;
        // + 0.035; total 0.036125
        row("gemini web search fee", "gemini", "gemini-2.5-pro", TokenUsage.of(100, 100),
            CostContext.STANDARD.withWebSearch(1, CostContext.SearchContextSize.MEDIUM), 36_125_000),
        // gpt-4o-mini lists no web-search price: the query is not charged (INCOMPLETE). 100*1.5e-07 = 0.000015
        row("web search without a price", "openai", "gpt-4o-mini", TokenUsage.of(100, 0),
            CostContext.STANDARD.withWebSearch(1, CostContext.SearchContextSize.LOW), 15_000, INCOMPLETE),
        // gpt-5.4 with EU data residency (x1.1): 1000*2.5e-06 = 0.0025; 1000*1.5e-05 = 0.015; 0.0175*1.1 = 0.01925
        row("gpt-5.4 eu regional uplift", "openai", "gpt-5.4", TokenUsage.of(1000, 1000), CostContext.STANDARD.withRegion("EU"), 19_250_000),

        // --- embeddings: input only ---------------------------------------------------------------------------
        // text-embedding-3-small in 2e-08: 1234*2e-08 = 0.00002468
        row("openai embedding", "openai", "text-embedding-3-small", TokenUsage.of(1234, 0), 24_680),
        // azure/text-embedding-3-small: 8191*2e-08 = 0.00016382
        row("azure embedding", "azure", "text-embedding-3-small", TokenUsage.of(8191, 0), 163_820),

        // --- overrides with effective dates ---------------------------------------------------------------------
        // one second before the 2026-09-01 override: snapshot 1e6*2.5e-06 + 1e6*1e-05 = 12.5 USD
        rowAt("gpt-4o before override date", SEPT.minusSeconds(1), "openai", "gpt-4o", TokenUsage.of(1_000_000, 1_000_000), 12_500_000_000L),
        // from the override on: 2.00/M and 8.00/M: 2 + 8 = 10 USD
        rowAt("gpt-4o from override date", SEPT, "openai", "gpt-4o", TokenUsage.of(1_000_000, 1_000_000), 10_000_000_000L),

        // --- unpriced ----------------------------------------------------------------------------------------------
        row("unknown model is unpriced, not $0", "openai", "gpt-imaginary", TokenUsage.of(1000, 1000), 0, UNPRICED),
        row("per-second-only model is unpriced", "openai", "whisper-1", TokenUsage.of(1000, 0), 0, UNPRICED),

        // --- rounding once, half-even ------------------------------------------------------------------------
        // Nova image token 2.1875e-06 * 3 = 6.5625e-06 USD = 6562.5 nano: tie -> even 6562 (half-up: 6563)
        row("rounding tie to even (down)", "bedrock", "amazon.nova-2-pro-preview-20251202-v1:0", u(0, 0, 0, 0, 0, 3, 0, 0, 0), 6562),
        // o4-mini flex cache read 1.375e-07 * 1 = 137.5 nano: tie -> even 138
        row("rounding tie to even (up)", "openai", "o4-mini", u(0, 1, 0, 0, 0, 0, 0, 0, 0), FLEX, 138),
        // Nova cache read 5.46875e-07 * 1 = 546.875 nano -> 547
        row("rounding sub-nano remainder", "bedrock", "amazon.nova-2-pro-preview-20251202-v1:0", u(0, 1, 0, 0, 0, 0, 0, 0, 0), 547),
        // rounded once per record, not per line: 3 lines of 546.875+2187.5+2187.5 = 4921.875 -> 4922
        // (per-line rounding would give 547+2188+2188 = 4923)
        row("rounding once, not per line", "bedrock", "amazon.nova-2-pro-preview-20251202-v1:0", u(1, 1, 0, 0, 0, 1, 0, 0, 0), 4922)
    );
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void cost(Row row) {
    Cost cost = CostEngine.price(CATALOG, row.provider(), row.model(), row.usage(), row.context(), row.at());
    assertThat(cost.totalNanos()).as("nanos; notes=%s lines=%s", cost.notes(), cost.lines()).isEqualTo(row.expectedNanos());
    assertThat(cost.flags()).as("flags; notes=%s", cost.notes()).isEqualTo(row.expectedFlags());
    BigDecimal sum = cost.lines().stream().map(CostLine::amountUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(sum).isEqualByComparingTo(cost.exactUsd());
    if (!cost.unpriced()) {
      assertThat(cost.priceVersionId()).isPresent();
    }
  }

  @Test
  void tableHasAtLeastThirtyRows() {
    assertThat(rows().count()).isGreaterThanOrEqualTo(30);
  }

  @Test
  void breakdown_namesEveryClass_withItsBasis() {
    Cost cost = CostEngine.price(CATALOG, "bedrock", "anthropic.claude-3-7-sonnet-20250219-v1:0",
        u(1000, 0, 0, 10_000, 0, 0, 100, 0, 0), CostContext.STANDARD, NOW);
    assertThat(cost.lines()).extracting(CostLine::component)
        .containsExactly(PriceComponent.INPUT, PriceComponent.CACHE_WRITE_1H, PriceComponent.OUTPUT);
    CostLine write = cost.lines().get(1);
    assertThat(write.basis()).isEqualTo(PriceBasis.DERIVED);
    assertThat(write.unitPriceUsd()).isEqualByComparingTo("0.000006");
    assertThat(write.amountUsd()).isEqualByComparingTo("0.06");
    assertThat(cost.notes()).anyMatch(n -> n.contains("cache-write-1h price derived: 2 x input"));
    assertThat(cost.priceVersionId()).contains("litellm-2026-07-24:anthropic.claude-3-7-sonnet-20250219-v1:0");
    assertThat(cost.totalUsd()).isEqualByComparingTo("0.0645");
  }

  @Test
  void unpriced_hasANoteAndNoVersion() {
    Cost cost = CostEngine.price(CATALOG, "openai", "gpt-imaginary", TokenUsage.of(1, 1), CostContext.STANDARD, NOW);
    assertThat(cost.unpriced()).isTrue();
    assertThat(cost.totalNanos()).isZero();
    assertThat(cost.notes()).singleElement().asString().contains("openai/gpt-imaginary");
    Cost whisper = CostEngine.price(CATALOG, "openai", "whisper-1", TokenUsage.of(1, 0), CostContext.STANDARD, NOW);
    assertThat(whisper.modelKey()).contains("whisper-1");
    assertThat(whisper.notes()).singleElement().asString().contains("input_cost_per_second");
  }

  @Test
  void fallbackNotes_sayWhatWasSubstituted() {
    Cost cost = CostEngine.price(CATALOG, "azure", "gpt-4o", TokenUsage.of(1, 1), BATCH, NOW);
    assertThat(cost.notes()).containsExactly("azure/gpt-4o lists no batch prices; standard prices used");
    Cost audio = CostEngine.price(CATALOG, "openai", "gpt-4o", u(0, 0, 0, 0, 1, 0, 0, 0, 0), CostContext.STANDARD, NOW);
    assertThat(audio.notes()).containsExactly("no audio-input price; billed at the input price");
  }

  @Test
  void roundingMode_isHalfEven() {
    assertThat(CostEngine.ROUNDING).isEqualTo(java.math.RoundingMode.HALF_EVEN);
  }
}
