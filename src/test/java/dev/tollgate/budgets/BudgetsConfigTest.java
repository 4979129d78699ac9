package dev.tollgate.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.Json;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetsConfigTest {
  private static TollgateConfig bind(String json) {
    try {
      return new ConfigLoader(k -> null).bind((ObjectNode) Json.MAPPER.readTree(json));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void budgetsAndAlertsSections_areRead() {
    TollgateConfig c = bind("""
        {"budgets": {"time-zone": "America/New_York", "reservation-ttl": "2m", "max-output-tokens": {"gpt-4o": 1000}},
         "alerts": {"max-attempts": 3, "smtp": {"host": "mail.test", "port": 2525, "from": "a@b.c"}}}
        """);

    assertThat(c.budgets().timeZone()).isEqualTo(ZoneId.of("America/New_York"));
    assertThat(c.budgets().reservationTtl()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.budgets().maxOutputTokens()).isEqualTo(Map.of("gpt-4o", 1000L));
    assertThat(c.budgets().outputCap("other")).isEqualTo(4096);
    assertThat(c.alerts().maxAttempts()).isEqualTo(3);
    assertThat(c.alerts().smtp().orElseThrow().port()).isEqualTo(2525);
    assertThat(c.alerts().smtp().orElseThrow().starttls()).isFalse();
  }

  @Test
  void badValues_nameTheKey() {
    assertThatThrownBy(() -> bind("{\"budgets\": {\"time-zone\": \"Mars/Olympus\"}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("budgets.time-zone").hasMessageContaining("Mars/Olympus");
    assertThatThrownBy(() -> bind("{\"budgets\": {\"reservation-ttl\": \"1s\"}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("budgets.reservation-ttl");
    assertThatThrownBy(() -> bind("{\"alerts\": {\"smtp\": {\"host\": \"h\", \"from\": \"a@b\", \"username\": \"u\"}}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.smtp.password");
    assertThatThrownBy(() -> bind("{\"budgets\": {\"timezone\": \"UTC\"}}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("budgets.timezone");
  }
}
