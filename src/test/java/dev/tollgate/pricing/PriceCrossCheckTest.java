package dev.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PriceCrossCheckTest {
  private static final Instant SNAPSHOT = Instant.parse("2026-07-24T00:00:00Z");
  private static final PriceCrossCheck.Report REPORT = PriceCrossCheck.runBundled(PriceCatalog.bundled(), SNAPSHOT);
  private static final List<String> BASE = List.of("input_mtok", "output_mtok");

  /** Major models: the two independent sources must agree on their base input and output prices. */
  @ParameterizedTest
  @ValueSource(strings = {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3", "o4-mini", "gpt-5", "claude-sonnet-4-5",
      "claude-opus-4-1", "claude-haiku-4-5", "gemini/gemini-2.5-pro", "gemini/gemini-2.5-flash"})
  void majorModels_agreeOnBaseInputAndOutput(String key) {
    assertThat(REPORT.forModel(key))
        .filteredOn(d -> BASE.contains(d.field()))
        .as("%s", REPORT.forModel(key))
        .isEmpty();
  }

  @Test
  void majorModels_wereActuallyCompared() {
    assertThat(REPORT.compared()).isGreaterThan(300);
    // o3's genai-prices entry is dated: 10/40 until 2025-06-10, then 2/8. At the snapshot date it is 2/8.
    PriceCrossCheck.Report early = PriceCrossCheck.runBundled(PriceCatalog.bundled(), Instant.parse("2025-06-01T00:00:00Z"));
    assertThat(early.forModel("o3")).filteredOn(d -> d.field().equals("input_mtok")).singleElement()
        .satisfies(d -> {
          assertThat(d.kind()).isEqualTo(PriceCrossCheck.Kind.DIFFERENT);
          assertThat(d.genai()).contains(new BigDecimal("10"));
          assertThat(d.litellm()).contains(new BigDecimal("2"));
        });
  }

  @Test
  void longContextTiers_areComparedToo() {
    // Both list claude-sonnet-4-5 above 200k at 6/M input; a difference would show as input_mtok>200000.
    assertThat(REPORT.forModel("claude-sonnet-4-5")).noneMatch(d -> d.field().startsWith("input_mtok>"));
  }

  @Test
  void disagreement_isReportedWithBothValues() {
    String genai = """
        [{"id": "openai", "name": "OpenAI", "models": [
          {"id": "gpt-4o", "match": {"equals": "gpt-4o"}, "prices": {"input_mtok": 2.5, "output_mtok": 12, "cache_write_mtok": 3}}
        ]}]
        """;
    PriceCrossCheck.Report r = PriceCrossCheck.run(PriceCatalog.bundled(),
        new ByteArrayInputStream(genai.getBytes(StandardCharsets.UTF_8)), SNAPSHOT);
    assertThat(r.forModel("gpt-4o")).extracting(PriceCrossCheck.Discrepancy::field, PriceCrossCheck.Discrepancy::kind)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("output_mtok", PriceCrossCheck.Kind.DIFFERENT),
            org.assertj.core.groups.Tuple.tuple("cache_read_mtok", PriceCrossCheck.Kind.ONLY_LITELLM),
            org.assertj.core.groups.Tuple.tuple("cache_write_mtok", PriceCrossCheck.Kind.ONLY_GENAI));
    assertThat(r.render()).contains("DIFFERENT gpt-4o (genai gpt-4o) output_mtok: litellm 10, genai 12");
  }

  @Test
  void agreement_isUpToOnePartPerMillion() {
    assertThat(PriceCrossCheck.agree(new BigDecimal("3"), new BigDecimal("3.000002"))).isTrue();
    assertThat(PriceCrossCheck.agree(new BigDecimal("3"), new BigDecimal("3.00001"))).isFalse();
  }

  @Test
  void sharedCopy_isTheBundledOne_whenPresent() throws Exception {
    Path shared = Path.of("/work/shared/data/pricing/genai_prices_v2.json");
    if (Files.isRegularFile(shared)) {
      PriceCrossCheck.Report fromFile = PriceCrossCheck.run(PriceCatalog.bundled(), shared, SNAPSHOT);
      assertThat(fromFile.discrepancies()).isEqualTo(REPORT.discrepancies());
    }
  }
}
