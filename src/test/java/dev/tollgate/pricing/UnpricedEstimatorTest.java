package dev.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.usage.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnpricedEstimatorTest {
  private static final Instant NOW = Instant.parse("2026-08-01T12:00:00Z");
  private static final PriceCatalog CATALOG = PriceCatalog.bundled();

  @Test
  void pricedModel_estimateIsTheRealCost() {
    UnpricedEstimator e = new UnpricedEstimator(CATALOG, Optional.empty());
    UnpricedEstimator.Estimate est = e.estimate("openai", "gpt-4o", TokenUsage.of(1000, 500), CostContext.STANDARD, NOW);
    assertThat(est.basis()).isEqualTo(UnpricedEstimator.Basis.PRICED);
    assertThat(est.nanos()).isEqualTo(7_500_000); // 1000*2.5e-06 + 500*1e-05 = 0.0075
  }

  @Test
  void configuredDefault_winsForUnpricedModels() {
    UnpricedEstimator e = new UnpricedEstimator(CATALOG,
        Optional.of(UnpricedEstimator.Rates.ofPerMillion(new BigDecimal("15"), new BigDecimal("75"))));
    // 1000 input (all classes: 600 + 400 cached) * 15e-06 = 0.015; 200 output * 75e-06 = 0.015; total 0.03
    UnpricedEstimator.Estimate est = e.estimate("openai", "gpt-imaginary",
        new TokenUsage(600, 400, 0, 0, 0, 0, 200, 0, 0), CostContext.STANDARD, NOW);
    assertThat(est.basis()).isEqualTo(UnpricedEstimator.Basis.CONFIGURED_DEFAULT);
    assertThat(est.nanos()).isEqualTo(30_000_000);
  }

  @Test
  void providerMax_isAtLeastEveryKnownPriceOfThatProvider() {
    UnpricedEstimator e = new UnpricedEstimator(CATALOG, Optional.empty());
    UnpricedEstimator.Estimate est = e.estimate("anthropic", "claude-imaginary", TokenUsage.of(1_000_000, 1_000_000), CostContext.STANDARD, NOW);
    assertThat(est.basis()).isEqualTo(UnpricedEstimator.Basis.PROVIDER_MAX);
    Cost opus = CostEngine.price(CATALOG, "anthropic", "claude-opus-4-1", TokenUsage.of(1_000_000, 1_000_000), CostContext.STANDARD, NOW);
    assertThat(est.nanos()).isGreaterThanOrEqualTo(opus.totalNanos());
    assertThat(est.explanation()).contains("claude-imaginary").contains("provider max");
  }

  @Test
  void unknownProvider_usesTheFirstPartyMax() {
    UnpricedEstimator e = new UnpricedEstimator(CATALOG, Optional.empty());
    UnpricedEstimator.Estimate est = e.estimate("nobody-knows", "x", TokenUsage.of(1_000_000, 1_000_000), CostContext.STANDARD, NOW);
    assertThat(est.basis()).isEqualTo(UnpricedEstimator.Basis.REFERENCE_MAX);
    // the most expensive first-party prices in the snapshot are OpenAI's: 150/M input, 600/M output -> 750 USD
    assertThat(est.nanos()).isEqualTo(750_000_000_000L);
    UnpricedEstimator.Estimate generic = e.estimate("openai-compatible", "x", TokenUsage.of(1_000_000, 1_000_000), CostContext.STANDARD, NOW);
    assertThat(generic.basis()).isEqualTo(UnpricedEstimator.Basis.REFERENCE_MAX);
  }

  @Test
  void estimate_roundsUp() {
    UnpricedEstimator e = new UnpricedEstimator(CATALOG,
        Optional.of(UnpricedEstimator.Rates.ofPerMillion(new BigDecimal("0.0001"), new BigDecimal("0"))));
    // 1 token * 1e-10 USD = 0.1 nano -> 1 nano (an estimate never rounds down to free)
    assertThat(e.estimate("x", "y", TokenUsage.of(1, 0), CostContext.STANDARD, NOW).nanos()).isEqualTo(1);
  }

  @Test
  void emptyCatalog_estimatesNothing_andSaysSo() {
    UnpricedEstimator e = new UnpricedEstimator(PriceCatalog.empty(), Optional.empty());
    UnpricedEstimator.Estimate est = e.estimate("openai", "gpt-4o", TokenUsage.of(1, 1), CostContext.STANDARD, NOW);
    assertThat(est.basis()).isEqualTo(UnpricedEstimator.Basis.NONE);
    assertThat(est.nanos()).isZero();
  }
}
