package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.common.ConfigException;
import dev.tollgate.config.TollgateConfig.UsageConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UsageConfigTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static TollgateConfig load(String yaml, Map<String, String> env) throws Exception {
    return new ConfigLoader(env::get).bind((ObjectNode) YAML.readTree(yaml));
  }

  @Test
  void defaults_journalNextToTheDuckDbFile_fsyncEvery50ms() {
    UsageConfig usage = UsageConfig.ofDefaults();
    assertThat(usage.fsyncInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(usage.journalDir()).isEmpty();
    assertThat(usage.journalDirFor(TollgateConfig.StoreConfig.ofDefaults().url()))
        .contains(Path.of("data/journal").toAbsolutePath());
    assertThat(usage.journalDirFor("jdbc:duckdb:/var/lib/tollgate/ledger.duckdb")).contains(Path.of("/var/lib/tollgate/journal"));
    assertThat(usage.journalDirFor("jdbc:duckdb:")).as("in-memory store").isEmpty();
    assertThat(usage.journalDirFor("jdbc:duckdb::memory:x")).isEmpty();
    assertThat(usage.withJournalDir(Path.of("/j")).journalDirFor("jdbc:duckdb:/a/b.duckdb")).contains(Path.of("/j"));
  }

  @Test
  void yaml_setsJournalDirAndFsyncInterval() throws Exception {
    UsageConfig usage = load("""
        usage:
          journal-dir: /srv/tollgate/journal
          fsync-interval: 20ms
        """, Map.of()).usage();
    assertThat(usage.journalDir()).contains(Path.of("/srv/tollgate/journal"));
    assertThat(usage.fsyncInterval()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void environment_overridesJournalDirAndFsyncInterval() throws Exception {
    assertThat(ConfigLoader.ENV_KEYS).contains("usage.journal-dir", "usage.fsync-interval");
    UsageConfig usage = load("usage:\n  fsync-interval: 20ms\n", Map.of(
        "TOLLGATE_USAGE_JOURNAL_DIR", "/tmp/j", "TOLLGATE_USAGE_FSYNC_INTERVAL", "0ms")).usage();
    assertThat(usage.journalDir()).contains(Path.of("/tmp/j"));
    assertThat(usage.fsyncInterval()).isZero();
  }

  @Test
  void fsyncInterval_aboveOneSecond_isRejectedNamingKeyValueAndExpectation() {
    assertThatThrownBy(() -> load("usage:\n  fsync-interval: 2s\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("usage.fsync-interval: PT2S (expected: 0ms..1s");
    assertThatThrownBy(() -> load("usage:\n  fsync-interval: 50\n", Map.of()))
        .hasMessageContaining("usage.fsync-interval").hasMessageContaining("a duration with a unit");
  }

  @Test
  void journalDir_blank_isRejected() {
    assertThatThrownBy(() -> load("usage:\n  journal-dir: ' '\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("usage.journal-dir: ' ' (expected: a directory path)");
    assertThatThrownBy(() -> new UsageConfig(16, 1, Duration.ofMillis(1), Optional.of(Path.of("")), Duration.ZERO))
        .hasMessageContaining("usage.journal-dir");
  }

  @Test
  void unknownUsageKey_listsTheNewKeys() {
    assertThatThrownBy(() -> load("usage:\n  journal: x\n", Map.of()))
        .hasMessageContaining("usage.journal").hasMessageContaining("journal-dir").hasMessageContaining("fsync-interval");
  }
}
