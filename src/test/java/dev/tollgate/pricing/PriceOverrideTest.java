package dev.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.usage.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PriceOverrideTest {
  private static final Instant SEPT = Instant.parse("2026-09-01T00:00:00Z");

  private static PriceOverride gpt4oDiscount() {
    return PriceOverride.builder("openai", "gpt-4o", SEPT).source("admin-api")
        .perMillion(PriceComponent.INPUT, "2.00")
        .perMillion(PriceComponent.OUTPUT, "8.00")
        .perMillion(PriceComponent.CACHE_READ, "1.00")
        .build();
  }

  @Test
  void override_appliesFromItsEffectiveDate_andTheSnapshotBefore() {
    PriceCatalog c = PriceCatalog.bundled().withOverride(gpt4oDiscount());
    PricedModel before = c.lookup("openai", "gpt-4o", SEPT.minusNanos(1)).orElseThrow();
    PricedModel after = c.lookup("openai", "gpt-4o", SEPT).orElseThrow();
    assertThat(before.version().source()).isEqualTo("litellm-2026-07-24");
    assertThat(after.version().source()).isEqualTo("admin-api");
    assertThat(after.rate(PriceComponent.INPUT)).contains(new BigDecimal("0.00000200"));
    assertThat(after.key()).isEqualTo("gpt-4o");
    assertThat(c.history("gpt-4o")).hasSize(2);
    // The bundled catalog itself is unchanged: catalogs are immutable.
    assertThat(PriceCatalog.bundled().history("gpt-4o")).hasSize(1);
  }

  @Test
  void pastRecords_keepTheirVersion() {
    PriceCatalog c1 = PriceCatalog.bundled().withOverride(gpt4oDiscount());
    String charged = c1.lookup("openai", "gpt-4o", SEPT).orElseThrow().version().id();
    PriceCatalog c2 = c1.withOverride(PriceOverride.builder("openai", "gpt-4o", SEPT)
        .perMillion(PriceComponent.INPUT, "1.50").perMillion(PriceComponent.OUTPUT, "6.00").build());
    assertThat(c2.lookup("openai", "gpt-4o", SEPT)).map(m -> m.rate(PriceComponent.INPUT).orElseThrow())
        .contains(new BigDecimal("0.00000150"));
    assertThat(c2.version(charged)).map(m -> m.rate(PriceComponent.INPUT).orElseThrow()).contains(new BigDecimal("0.00000200"));
    assertThat(charged).startsWith("admin-api:gpt-4o@2026-09-01T00:00:00Z#");
  }

  @Test
  void sameOverrideTwice_isIdempotent_butAReusedIdIsRejected() {
    PriceCatalog c = PriceCatalog.bundled().withOverride(gpt4oDiscount()).withOverride(gpt4oDiscount());
    assertThat(c.history("gpt-4o")).hasSize(2);
    PriceCatalog withId = c.withOverride(PriceOverride.builder("openai", "gpt-4o", SEPT).id("deal-1")
        .perMillion(PriceComponent.INPUT, "1").build());
    assertThatThrownBy(() -> withId.withOverride(PriceOverride.builder("openai", "gpt-4o", SEPT).id("deal-1")
        .perMillion(PriceComponent.INPUT, "2").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deal-1");
  }

  @Test
  void overrideOfAnUnknownModel_isANewEntryForItsProvider() {
    PriceCatalog c = PriceCatalog.bundled().withOverride(PriceOverride.builder("openai-compatible", "llama-local", Instant.EPOCH)
        .perMillion(PriceComponent.INPUT, "0.10").perMillion(PriceComponent.OUTPUT, "0.20").build());
    assertThat(c.lookup("openai-compatible", "llama-local", SEPT)).map(PricedModel::key).contains("llama-local");
    PriceCatalog az = PriceCatalog.bundled().withOverride(PriceOverride.builder("azure", "prod-gpt4o", Instant.EPOCH)
        .perMillion(PriceComponent.INPUT, "2.50").perMillion(PriceComponent.OUTPUT, "10").build());
    assertThat(az.lookup("azure", "prod-gpt4o", SEPT)).map(PricedModel::key).contains("azure/prod-gpt4o");
    assertThat(az.lookup("azure", "prod-gpt4o", SEPT)).map(PricedModel::provider).contains("azure");
    assertThat(az.lookup("openai", "prod-gpt4o", SEPT)).isEmpty();
  }

  @Test
  void livePriceCatalog_swapsSnapshotsAtomically() {
    LivePriceCatalog live = new LivePriceCatalog(PriceCatalog.bundled());
    PriceCatalog before = live.get();
    live.addOverride(gpt4oDiscount());
    assertThat(live.get()).isNotSameAs(before);
    Cost cost = CostEngine.price(live.get(), "openai", "gpt-4o", TokenUsage.of(1_000_000, 0), CostContext.STANDARD, SEPT);
    assertThat(cost.totalNanos()).isEqualTo(2_000_000_000L);
    assertThat(cost.priceVersion()).map(PriceVersion::source).contains("admin-api");
  }

  @Test
  void override_withoutAnyPrice_isRejected() {
    assertThatThrownBy(() -> PriceOverride.builder("openai", "gpt-4o", SEPT).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no price");
    assertThatThrownBy(() -> PriceOverride.builder("openai", "gpt-4o", SEPT).perMillion(PriceComponent.INPUT, "-1").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> PriceOverride.builder("openai", "gpt-4o", SEPT).perMillion(PriceComponent.REQUEST, "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PriceOverride.builder("", "x", SEPT).perUnit(PriceComponent.REQUEST, new BigDecimal("0.005")).build().mode())
        .isEqualTo(Optional.empty());
  }
}
