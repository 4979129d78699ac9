package dev.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.pricing.PriceOverrideStore.StoredOverride;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** What every {@link PriceOverrideStore} backend must do. A backend's test extends this with an empty store per test. */
public abstract class PriceOverrideStoreContract {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  /** An empty store, new for each test. */
  protected abstract PriceOverrideStore store();

  private static ObjectNode spec(String model, String inputPerToken) {
    return Json.parseObject(("{\"model\":\"" + model + "\",\"provider\":\"openai\",\"effective-from\":\"2026-03-01T00:00:00Z\","
        + "\"input-cost-per-token\":" + inputPerToken + "}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void all_onAnEmptyStore_isEmpty() {
    assertThat(store().all()).isEmpty();
  }

  @Test
  void insert_thenAll_returnsOldestFirstWithTheSpecAsWritten() {
    StoredOverride later = new StoredOverride("price_b", spec("gpt-4o", "0.0000025"), T0.plusSeconds(10));
    StoredOverride earlier = new StoredOverride("price_a", spec("gpt-4o-mini", "0.00000015"), T0.plus(5, ChronoUnit.MICROS));

    store().insert(later);
    store().insert(earlier);

    assertThat(store().all()).containsExactly(earlier, later);
  }

  @Test
  void insert_keepsPricesExact_toTheLastDigit() {
    store().insert(new StoredOverride("price_exact", spec("m", "0.000000123456789012345678"), T0));

    BigDecimal stored = store().all().getFirst().spec().get("input-cost-per-token").decimalValue();
    assertThat(stored).isEqualByComparingTo(new BigDecimal("0.000000123456789012345678"));
  }

  @Test
  void sameCreationTime_ordersById() {
    store().insert(new StoredOverride("price_2", spec("m2", "1"), T0));
    store().insert(new StoredOverride("price_1", spec("m1", "1"), T0));

    assertThat(store().all()).extracting(StoredOverride::id).containsExactly("price_1", "price_2");
  }

  @Test
  void insert_sameIdTwice_failsAndKeepsTheFirst() {
    StoredOverride first = new StoredOverride("price_dup", spec("m", "1"), T0);
    store().insert(first);

    assertThatThrownBy(() -> store().insert(new StoredOverride("price_dup", spec("m", "2"), T0.plusSeconds(1))))
        .hasMessageContaining("price_dup");
    assertThat(store().all()).containsExactly(first);
  }
}
