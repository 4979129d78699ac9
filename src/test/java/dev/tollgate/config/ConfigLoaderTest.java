package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.common.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tollgate.yaml} plus the environment, read from real files. */
class ConfigLoaderTest {
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

  private ConfigException loadFails(String yaml) {
    try {
      load(yaml);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  @Test
  void load_withoutFileOrEnv_returnsTheDefaults() {
    TollgateConfig config = new ConfigLoader(env::get).load(Optional.empty());

    assertThat(config).isEqualTo(TollgateConfig.ofDefaults());
  }

  @Test
  void load_readsEveryKindOfValue() {
    TollgateConfig config = load("""
        server:
          host: 0.0.0.0
          port: 5000
          body-limit: 16KiB
          event-loops: 3
          transport: epoll
        store:
          url: jdbc:duckdb:/var/lib/tollgate/ledger.duckdb
        mock:
          latency: 250ms
          chunk-delay: 2s
        usage:
          queue-capacity: 1024
          batch-size: 100
          flush-interval: 1m
        log:
          format: json
          level: debug
        """);

    assertThat(config.server()).isEqualTo(new TollgateConfig.ServerConfig("0.0.0.0", 5000, 16 * 1024, 3, "epoll"));
    assertThat(config.store().url()).isEqualTo("jdbc:duckdb:/var/lib/tollgate/ledger.duckdb");
    assertThat(config.mock()).isEqualTo(new TollgateConfig.MockConfig(Duration.ofMillis(250), Duration.ofSeconds(2)));
    assertThat(config.usage()).isEqualTo(new TollgateConfig.UsageConfig(1024, 100, Duration.ofMinutes(1)));
    assertThat(config.log()).isEqualTo(new TollgateConfig.LogConfig("json", "debug"));
  }

  @Test
  void aSmallerQueueAlone_capsTheDefaultBatchSize_butAnExplicitLargerBatchIsStillAnError() {
    TollgateConfig small = load("usage:\n  queue-capacity: 2048\n");
    assertThat(small.usage().queueCapacity()).isEqualTo(2048);
    assertThat(small.usage().batchSize()).isEqualTo(2048);
    assertThat(load("").usage().batchSize()).isEqualTo(16_384);

    assertThatThrownBy(() -> load("usage:\n  queue-capacity: 2048\n  batch-size: 4096\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("usage.batch-size");
  }

  @Test
  void serverTransport_defaultsToAuto_andAnUnknownOneNamesTheChoices() {
    assertThat(load("").server().transport()).isEqualTo("auto");
    env.put("TOLLGATE_SERVER_TRANSPORT", "nio");
    assertThat(load("server:\n  transport: epoll\n").server().transport()).isEqualTo("nio");
    env.clear();

    assertThatThrownBy(() -> load("server:\n  transport: uring\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.transport").hasMessageContaining("uring").hasMessageContaining("auto, io-uring, epoll, nio");
  }

  @Test
  void loginAttemptLimits_comeFromTheFileAndAreValidated() {
    TollgateConfig config = load("auth:\n  login-attempts-per-minute: 5\n  login-attempts-per-minute-per-address: 50\n");
    assertThat(config.auth().loginAttemptsPerMinute()).isEqualTo(5);
    assertThat(config.auth().loginAttemptsPerMinutePerAddress()).isEqualTo(50);
    assertThatThrownBy(() -> load("auth:\n  login-attempts-per-minute: 0\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.login-attempts-per-minute");
  }

  @Test
  void envServerPort_overridesTheFile() {
    env.put("TOLLGATE_SERVER_PORT", "6000");

    TollgateConfig config = load("server:\n  port: 5000\n  host: 0.0.0.0\n");

    assertThat(config.server().port()).isEqualTo(6000);
    assertThat(config.server().host()).isEqualTo("0.0.0.0");
  }

  @Test
  void envServerPort_worksWithoutAFile() {
    env.put("TOLLGATE_SERVER_PORT", "7000");
    env.put("TOLLGATE_SERVER_BODY_LIMIT", "1MiB");

    TollgateConfig config = new ConfigLoader(env::get).load(Optional.empty());

    assertThat(config.server().port()).isEqualTo(7000);
    assertThat(config.server().bodyLimitBytes()).isEqualTo(1L << 20);
  }

  @Test
  void envTollgateMasterKey_setsTheMasterKey() {
    env.put("TOLLGATE_MASTER_KEY", "tg-master-from-env-0123456789");

    TollgateConfig config = load("auth:\n  master-key: tg-master-from-file-01234567\n");

    assertThat(config.auth().masterKey()).contains("tg-master-from-env-0123456789");
  }

  @Test
  void envTollgateAuthMasterKey_winsOverTollgateMasterKey() {
    env.put("TOLLGATE_MASTER_KEY", "tg-master-short-name-0123456789");
    env.put("TOLLGATE_AUTH_MASTER_KEY", "tg-master-full-name-0123456789");

    assertThat(load("").auth().masterKey()).contains("tg-master-full-name-0123456789");
  }

  @Test
  void envOverride_withWrongType_namesTheKeyAndValue() {
    env.put("TOLLGATE_SERVER_PORT", "eighty");

    assertThat(loadFails("").getMessage()).isEqualTo("server.port: 'eighty' (expected: an integer)");
  }

  @Test
  void envReference_isReplacedByTheVariable() {
    env.put("UPSTREAM_KEY", "sk-from-env");
    env.put("UPSTREAM_HOST", "10.0.0.7");

    TollgateConfig config = load("""
        models:
          - name: gpt-4o
            provider: openai-compatible
            base-url: http://${UPSTREAM_HOST}:8000/v1
            api-key: ${UPSTREAM_KEY}
        """);

    ModelConfig model = config.models().getFirst();
    assertThat(model.apiKey()).contains("sk-from-env");
    assertThat(model.baseUrl()).contains("http://10.0.0.7:8000/v1");
  }

  @Test
  void envReferenceWithDefault_usesTheDefaultWhenUnset() {
    TollgateConfig config = load("server:\n  port: ${PORT:-4100}\n  host: ${HOST:-}x\n");

    assertThat(config.server().port()).isEqualTo(4100);
    assertThat(config.server().host()).isEqualTo("x");
  }

  @Test
  void envReferenceWithDefault_usesTheVariableWhenSet() {
    env.put("PORT", "4200");

    assertThat(load("server:\n  port: ${PORT:-4100}\n").server().port()).isEqualTo(4200);
  }

  @Test
  void envReference_unset_failsNamingTheKeyAndTheVariable() {
    ConfigException e = loadFails("""
        models:
          - name: gpt-4o
            provider: openai-compatible
            base-url: http://127.0.0.1:8000/v1
            api-key: ${OPENAI_API_KEY}
        """);

    assertThat(e.key()).isEqualTo("models[0].api-key");
    assertThat(e.getMessage()).startsWith("models[0].api-key: '${OPENAI_API_KEY}' (expected: environment variable OPENAI_API_KEY to be set");
  }

  @Test
  void unknownKey_failsNamingItAndTheKnownKeys() {
    ConfigException e = loadFails("server:\n  prot: 4000\n");

    assertThat(e.key()).isEqualTo("server.prot");
    assertThat(e.getMessage()).contains("server.prot").contains("no such key").contains("port").contains("body-limit");
  }

  @Test
  void unknownSection_failsNamingIt() {
    ConfigException e = loadFails("servre:\n  port: 4000\n");

    assertThat(e.key()).isEqualTo("servre");
    assertThat(e.getMessage()).contains("no such section").contains("server");
  }

  @Test
  void unknownModelKey_failsNamingIt() {
    ConfigException e = loadFails("models:\n  - name: a\n    provider: mock\n    temperature: 1\n");

    assertThat(e.key()).isEqualTo("models[0].temperature");
  }

  @Test
  void wrongType_failsNamingKeyValueAndExpectation() {
    assertThat(loadFails("server:\n  port: abc\n").getMessage()).isEqualTo("server.port: 'abc' (expected: an integer)");
    assertThat(loadFails("server:\n  port: 1.5\n").getMessage()).isEqualTo("server.port: '1.5' (expected: an integer)");
    assertThat(loadFails("server:\n  body-limit: lots\n").getMessage())
        .isEqualTo("server.body-limit: 'lots' (expected: a size such as 10MiB, 512KiB or 1048576)");
    assertThat(loadFails("mock:\n  latency: 100\n").getMessage())
        .isEqualTo("mock.latency: '100' (expected: a duration with a unit, such as 100ms or 100s)");
    assertThat(loadFails("server: 4000\n").key()).isEqualTo("server");
  }

  @Test
  void outOfRangeValue_failsNamingKeyValueAndExpectation() {
    assertThat(loadFails("server:\n  port: 70000\n").getMessage()).isEqualTo("server.port: 70000 (expected: 0..65535 (0 picks a free port))");
    assertThat(loadFails("log:\n  level: loud\n").getMessage()).isEqualTo("log.level: 'loud' (expected: one of trace, debug, info, warn, error)");
    assertThat(loadFails("auth:\n  master-key: short\n").getMessage()).isEqualTo("auth.master-key: '<5 characters>' (expected: at least 16 characters)");
  }

  @Test
  void models_parsesEachEntryWithTheUpstreamNameDefaultingToTheName() {
    TollgateConfig config = load("""
        models:
          - name: fast
            provider: mock
          - name: gpt-4o
            provider: openai-compatible
            model: gpt-4o-2024-08-06
            base-url: https://api.openai.com/v1
            api-key: sk-test
          - name: local
            provider: openai-compatible
            base-url: http://127.0.0.1:11434/v1
        """);

    assertThat(config.models()).containsExactly(
        ModelConfig.mock("fast"),
        ModelConfig.openAiCompatible("gpt-4o", "gpt-4o-2024-08-06", "https://api.openai.com/v1", Optional.of("sk-test")),
        ModelConfig.openAiCompatible("local", "local", "http://127.0.0.1:11434/v1", Optional.empty()));
  }

  @Test
  void models_emptyList_meansNoModels() {
    assertThat(load("models: []\n").models()).isEmpty();
  }

  @Test
  void models_duplicateName_failsNamingTheSecondEntry() {
    ConfigException e = loadFails("""
        models:
          - name: same
            provider: mock
          - name: same
            provider: mock
        """);

    assertThat(e.getMessage()).isEqualTo("models[1].name: 'same' (expected: a name not used by another model)");
  }

  @Test
  void models_missingNameOrProvider_failsNamingTheEntry() {
    assertThat(loadFails("models:\n  - provider: mock\n").key()).isEqualTo("models[0].name");
    assertThat(loadFails("models:\n  - name: x\n").key()).isEqualTo("models[0].provider");
    assertThat(loadFails("models:\n  - name: x\n    provider: opneai\n").getMessage())
        .startsWith("models[x].provider: 'opneai' (expected: one of ").contains("anthropic", "mock", "openai-compatible");
  }

  @Test
  void models_openAiCompatibleWithoutUsableBaseUrl_fails() {
    assertThat(loadFails("models:\n  - name: x\n    provider: openai-compatible\n").key()).isEqualTo("models[x].base-url");
    assertThat(loadFails("models:\n  - name: x\n    provider: openai-compatible\n    base-url: ftp://host/v1\n").getMessage())
        .startsWith("models[x].base-url: 'ftp://host/v1'");
  }

  @Test
  void models_notAList_fails() {
    assertThat(loadFails("models:\n  name: x\n").key()).isEqualTo("models");
  }

  @Test
  void invalidYaml_failsNamingTheFile() {
    ConfigException e = loadFails("server:\n  port: [4000\n");

    assertThat(e.getMessage()).contains("tollgate.yaml").contains("expected: valid YAML");
  }

  @Test
  void missingFile_fails() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> new ConfigLoader(env::get).load(Optional.of(dir.resolve("nope.yaml"))));

    assertThat(e.key()).isEqualTo("--config");
  }

  @Test
  void envName_isTheUpperCasedKey() {
    assertThat(ConfigLoader.envName("server.body-limit")).isEqualTo("TOLLGATE_SERVER_BODY_LIMIT");
    assertThat(ConfigLoader.ENV_KEYS).allSatisfy(k -> assertThat(ConfigLoader.envName(k)).matches("TOLLGATE_[A-Z_]+"));
  }

  @Test
  void apiKeys_neverAppearInToString() {
    TollgateConfig config = load("""
        auth:
          master-key: tg-master-secret-0123456789
        models:
          - name: gpt-4o
            provider: openai-compatible
            base-url: https://api.openai.com/v1
            api-key: sk-very-secret
        """);

    assertThat(config.toString()).doesNotContain("tg-master-secret-0123456789").doesNotContain("sk-very-secret");
  }

  @Test
  void emptyFile_givesTheDefaults() {
    assertThat(load("")).isEqualTo(TollgateConfig.ofDefaults());
    assertThat(load("# only a comment\n")).isEqualTo(TollgateConfig.ofDefaults());
  }

  @Test
  void nullSection_givesThatSectionsDefaults() {
    assertThat(load("server:\n").server()).isEqualTo(TollgateConfig.ServerConfig.ofDefaults());
  }

  @Test
  void modelsFromCode_areValidatedLikeModelsFromYaml() {
    assertThatThrownBy(() -> TollgateConfig.ofDefaults().withModels(List.of(ModelConfig.mock("a"), ModelConfig.mock("a"))))
        .isInstanceOf(ConfigException.class).hasMessage("models[1].name: 'a' (expected: a name not used by another model)");
  }
}
