package dev.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.common.ConfigException;
import dev.tollgate.usage.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PricingConfigTest {
  private static final String YAML = """
      pricing:
        unpriced-estimate:
          input-per-million: "15"
          output-per-million: 75
        overrides:
          - provider: openai
            model: gpt-4o
            effective-from: 2026-09-01
            input-per-million: "2.00"
            output-per-million: "8.00"
            cache-read-per-million: "1.00"
            batch:
              input-per-million: "1.00"
              output-per-million: "4.00"
          - provider: anthropic
            model: claude-sonnet-4-5
            effective-from: 2026-10-01T12:00:00Z
            id: anthropic-enterprise-2026
            input-per-million: 2.7
            output-per-million: 13.5
            cache-write-5m-per-million: 3.375
            long-context:
              - above-input-tokens: 200000
                input-per-million: 5.4
                output-per-million: 20.25
          - model: llama-local
            provider: openai-compatible
            input-per-million: "0.1"
            output-per-million: "0.1"
            per-request: "0.001"
      """;

  @Test
  void parsesTheDocumentedShape_exactly() {
    PricingConfig config = PricingConfig.parseYaml(YAML);
    assertThat(config.unpricedEstimate()).contains(new UnpricedEstimator.Rates(new BigDecimal("0.000015"), new BigDecimal("0.000075")));
    assertThat(config.overrides()).hasSize(3);
    PriceOverride gpt = config.overrides().getFirst();
    assertThat(gpt.effectiveFrom()).isEqualTo(Instant.parse("2026-09-01T00:00:00Z"));
    assertThat(gpt.source()).isEqualTo("config");
    assertThat(gpt.tiers().getFirst().rate(ServiceTier.BATCH, PriceComponent.OUTPUT)).contains(new BigDecimal("0.00000400"));
    PriceOverride claude = config.overrides().get(1);
    // 2.7 per million read as the decimal 2.7 (YAML floats as BigDecimal), not 2.70000000000000017763568394002504646778106689453125
    assertThat(claude.tiers().getFirst().rate(ServiceTier.STANDARD, PriceComponent.INPUT).orElseThrow().toPlainString()).isEqualTo("0.0000027");
    assertThat(claude.tiers().get(1).aboveInputTokens()).isEqualTo(200_000);
    assertThat(claude.id()).contains("anthropic-enterprise-2026");
    assertThat(config.overrides().get(2).effectiveFrom()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void appliedOverrides_priceRequests() {
    PriceCatalog c = PricingConfig.parseYaml(YAML).applyTo(PriceCatalog.bundled());
    Instant oct = Instant.parse("2026-10-02T00:00:00Z");
    // claude-sonnet-4-5 override: prompt 300000 > 200000: in 5.4/M, out 20.25/M. The override lists no
    // long-context 5m-write price, so Anthropic's rule applies to the long-context input price:
    // 1.25 * 5.4e-06 = 6.75e-06 (DERIVED), not the base tier's 3.375/M.
    // 290000*5.4e-06 = 1.566; 10000*6.75e-06 = 0.0675; 1000*20.25e-06 = 0.02025; total 1.65375
    Cost cost = CostEngine.price(c, "anthropic", "claude-sonnet-4-5",
        new TokenUsage(290_000, 0, 10_000, 0, 0, 0, 1000, 0, 0), CostContext.STANDARD, oct);
    assertThat(cost.totalNanos()).isEqualTo(1_653_750_000L);
    assertThat(cost.priceVersionId()).contains("anthropic-enterprise-2026");
    assertThat(cost.flags()).containsExactlyInAnyOrder(CostFlag.LONG_CONTEXT, CostFlag.DERIVED);
    // llama-local: 1000*1e-07 + 1000*1e-07 + 0.001 = 0.0012
    Cost local = CostEngine.price(c, "openai-compatible", "llama-local", TokenUsage.of(1000, 1000), CostContext.STANDARD, oct);
    assertThat(local.totalNanos()).isEqualTo(1_200_000);
  }

  @Test
  void missingSection_isTheDefaults() {
    assertThat(PricingConfig.parse(null)).isEqualTo(PricingConfig.ofDefaults());
    assertThat(PricingConfig.parseYaml("server: {port: 1}\n")).isEqualTo(PricingConfig.ofDefaults());
  }

  @Test
  void errors_nameTheKeyAndTheExpectation() {
    assertThatThrownBy(() -> PricingConfig.parseYaml("pricing: {overrides: [{model: gpt-4o, input-per-milion: '2'}]}"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("pricing.overrides[gpt-4o].input-per-milion: '2' (expected: one of");
    assertThatThrownBy(() -> PricingConfig.parseYaml("pricing: {overrides: [{model: gpt-4o, input-per-million: 'two'}]}"))
        .isInstanceOf(ConfigException.class).hasMessage("pricing.overrides[gpt-4o].input-per-million: 'two' (expected: a USD amount such as \"2.50\")");
    assertThatThrownBy(() -> PricingConfig.parseYaml("pricing: {overrides: [{model: gpt-4o, input-per-million: '-1'}]}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("(expected: >= 0)");
    assertThatThrownBy(() -> PricingConfig.parseYaml("pricing: {overrides: [{model: gpt-4o, effective-from: yesterday, input-per-million: '1'}]}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("pricing.overrides[gpt-4o].effective-from: 'yesterday'");
    assertThatThrownBy(() -> PricingConfig.parseYaml("pricing: {overrides: [{input-per-million: '1'}]}"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("pricing.overrides[0].model: <missing>");
    assertThatThrownBy(() -> PricingConfig.parseYaml("pricing: {overrides: [{model: gpt-4o}]}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no price");
    assertThatThrownBy(() -> PricingConfig.parseYaml("pricing: {overides: []}"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("pricing.overides:");
    assertThatThrownBy(() -> PricingConfig.parseYaml("pricing: {overrides: [{model: x, input-per-million: '1', long-context: [{input-per-million: '2'}]}]}"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("pricing.overrides[x].long-context[0].above-input-tokens: <missing>");
  }

  @Test
  void binaryFloatInTheTree_isRejectedNotRounded() throws Exception {
    // ConfigLoader's YAML mapper reads 2.5 as a double unless USE_BIG_DECIMAL_FOR_FLOATS is on.
    JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree("pricing: {overrides: [{model: gpt-4o, input-per-million: 2.5}]}");
    assertThatThrownBy(() -> PricingConfig.parse(tree.get("pricing")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("quote it (\"2.5\")");
  }
}
