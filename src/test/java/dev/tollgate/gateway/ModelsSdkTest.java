package dev.tollgate.gateway;

import static dev.tollgate.testing.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.errors.PermissionDeniedException;
import com.openai.models.models.Model;
import com.openai.models.models.ModelRetrieveParams;
import dev.tollgate.testing.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/models}: what a key may use, through the official SDK. */
class ModelsSdkTest {
  @TempDir
  static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(dir);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void models_withUnrestrictedKey_listsEveryConfiguredModel() {
    var models = gateway.openAi(gateway.createKey().secret()).models().list().data();

    assertThat(models).extracting(Model::id).containsExactly("mock-small", "mock-large", "mock-embed");
    assertThat(models).allSatisfy(m -> assertThat(m.ownedBy()).isEqualTo("mock"));
  }

  @Test
  void models_withRestrictedKey_listsOnlyItsModels() {
    var openAi = gateway.openAi(gateway.createKey("mock-large", "mock-embed").secret());

    assertThat(openAi.models().list().data()).extracting(Model::id).containsExactly("mock-large", "mock-embed");
  }

  @Test
  void retrieveModel_withRestrictedKey_returnsAllowedAndRefusesOthers() {
    var openAi = gateway.openAi(gateway.createKey("mock-large").secret());

    assertThat(openAi.models().retrieve(ModelRetrieveParams.builder().model("mock-large").build()).id()).isEqualTo("mock-large");
    assertThatThrownBy(() -> openAi.models().retrieve(ModelRetrieveParams.builder().model("mock-small").build()))
        .isInstanceOf(PermissionDeniedException.class);
  }

  @Test
  void retrieveModel_unknown_returns404ModelNotFound() {
    assertError(gateway.get("/v1/models/no-such-model", gateway.masterKey()), 404, "invalid_request_error", "model_not_found", "model");
  }

  @Test
  void models_withoutKey_returns401() {
    assertError(gateway.send(gateway.request("/v1/models").GET().build()), 401, "invalid_request_error", "missing_api_key");
  }
}
