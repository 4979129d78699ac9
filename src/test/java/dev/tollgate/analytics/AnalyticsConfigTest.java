package dev.tollgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tollgate.common.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalyticsConfigTest {
  private static TollgateConfig load(String yaml) throws Exception {
    ObjectNode root = (ObjectNode) new YAMLMapper().readTree(yaml);
    return new ConfigLoader(Map.<String, String>of()::get).bind(root);
  }

  @Test
  void section_isParsed() throws Exception {
    TollgateConfig c = load("""
        analytics:
          anomaly-enabled: false
          anomaly-interval: 1m
          anomaly-baseline-weeks: 6
          anomaly-threshold: "3.5"
          anomaly-min-amount: "0.25"
        log:
          access: true
        """);
    AnalyticsConfig a = c.analytics();
    assertThat(a.anomalyEnabled()).isFalse();
    assertThat(a.anomalyInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(a.anomalyBaselineWeeks()).isEqualTo(6);
    assertThat(a.anomalyThreshold()).isEqualByComparingTo(new BigDecimal("3.5"));
    assertThat(a.anomalyMinAmountNanos()).isEqualTo(250_000_000L);
    assertThat(c.log().access()).isTrue();
  }

  @Test
  void defaults_whenAbsent() throws Exception {
    assertThat(load("server:\n  port: 4000\n").analytics()).isEqualTo(AnalyticsConfig.ofDefaults());
  }

  @Test
  void badValues_nameTheKey() {
    assertThatThrownBy(() -> load("analytics:\n  anomaly-baseline-weeks: 1\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("analytics.anomaly-baseline-weeks").hasMessageContaining("2..12");
    assertThatThrownBy(() -> load("analytics:\n  anomaly-min-amount: \"-1\"\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("analytics.anomaly-min-amount");
    assertThatThrownBy(() -> load("analytics:\n  anomaly-treshold: \"3\"\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("analytics.anomaly-treshold");
    assertThatThrownBy(() -> load("analytics:\n  anomaly-interval: soon\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("analytics.anomaly-interval");
    assertThatThrownBy(() -> load("log:\n  access: maybe\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("log.access");
  }
}
