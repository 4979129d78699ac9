package dev.tollgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.cluster.RedisConfig.FailMode;
import dev.tollgate.common.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster-mode configuration ({@code store.url} for PostgreSQL, the {@code redis:} section), read from real files. */
class ClusterConfigTest {
  @TempDir
  Path dir;
  final Map<String, String> env = new HashMap<>();

  private TollgateConfig load(String yaml) {
    Path file = dir.resolve("tollgate.yaml");
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return new ConfigLoader(env::get).load(Optional.of(file));
  }

  @Test
  void defaults_areEmbedded_noRedis_budgetsClosed_rateLimitsOpen() {
    TollgateConfig c = TollgateConfig.ofDefaults();

    assertThat(c.store().isPostgres()).isFalse();
    assertThat(c.redis().enabled()).isFalse();
    assertThat(c.redis().budgetsFailMode()).isEqualTo(FailMode.CLOSED);
    assertThat(c.redis().rateLimitsFailMode()).isEqualTo(FailMode.OPEN);
  }

  @Test
  void clusterFile_readsPostgresStoreAndEveryRedisKey() {
    TollgateConfig c = load("""
        store:
          url: jdbc:postgresql://db.internal:5432/tollgate?user=tollgate
        redis:
          url: redis://cache.internal:6379
          key-prefix: "prod:"
          command-timeout: 200ms
          connect-timeout: 3s
          budgets-fail-mode: open
          rate-limits-fail-mode: closed
        """);

    assertThat(c.store().isPostgres()).isTrue();
    assertThat(c.redis()).isEqualTo(new RedisConfig(Optional.of("redis://cache.internal:6379"), "prod:", Duration.ofMillis(200),
        Duration.ofSeconds(3), FailMode.OPEN, FailMode.CLOSED));
  }

  @Test
  void redisUrl_fromTheEnvironment() {
    env.put("TOLLGATE_REDIS_URL", "redis://10.0.0.7:6380");

    assertThat(load("{}").redis().url()).contains("redis://10.0.0.7:6380");
  }

  @Test
  void journal_withPostgres_defaultsToDataJournal() {
    TollgateConfig c = load("store:\n  url: jdbc:postgresql://db/tollgate\n");

    assertThat(c.usage().journalDirFor(c.store().url())).contains(Path.of("data", "journal").toAbsolutePath());
  }

  @Test
  void badValues_nameTheKeyAndTheExpectation() {
    assertThatThrownBy(() -> load("redis:\n  budgets-fail-mode: maybe\n")).isInstanceOf(ConfigException.class)
        .hasMessage("redis.budgets-fail-mode: 'maybe' (expected: closed or open)");
    assertThatThrownBy(() -> load("redis:\n  url: http://cache:6379\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.url").hasMessageContaining("redis://host:port");
    assertThatThrownBy(() -> load("redis:\n  port: 6379\n")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("redis.port");
    assertThatThrownBy(() -> load("redis:\n  command-timeout: 0ms\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.command-timeout");
    assertThatThrownBy(() -> load("store:\n  url: jdbc:mysql://db/x\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jdbc:postgresql:");
  }

  @Test
  void secrets_neverAppearInToStringOrErrors() {
    RedisConfig redis = RedisConfig.ofDefaults().withUrl("redis://default:s3cret-pass@cache:6379");
    TollgateConfig.StoreConfig store = new TollgateConfig.StoreConfig("jdbc:postgresql://db/t?user=u&password=s3cret-pass");

    assertThat(redis.toString()).doesNotContain("s3cret").contains("***");
    assertThat(store.toString()).doesNotContain("s3cret").contains("password=***");
    assertThat(store.displayUrl()).isEqualTo("jdbc:postgresql://db/t?user=u&password=***");
    assertThat(redis.displayUrl()).contains("redis://default:***@cache:6379");
    assertThat(dev.tollgate.storage.PostgresDatabase.redact("jdbc:postgresql://u:s3cret-pass@db/t")).doesNotContain("s3cret");
    assertThatThrownBy(() -> new TollgateConfig.StoreConfig("jdbc:oracle://u:s3cret-pass@db/t")).hasMessageNotContaining("s3cret");
  }
}
