package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.Embedding;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams.EncodingFormat;
import dev.tollgate.auth.KeyService;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.testing.FakeUpstream;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Embeddings through the official OpenAI Java SDK, in both encodings. */
class EmbeddingsSdkTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MOCK_DIMENSIONS = 256;

  @TempDir
  static Path dir;
  static FakeUpstream upstream;
  static TestGateway gateway;
  static KeyService.CreatedKey key;
  static OpenAIClient openAi;

  @BeforeAll
  static void start() {
    upstream = FakeUpstream.start();
    gateway = TestGateway.builder(dir)
        .model(ModelConfig.openAiCompatible("upstream-embed", "text-embedding-3-small", upstream.baseUrl(), Optional.of("sk-up")))
        .start();
    key = gateway.createKey();
    openAi = gateway.openAi(key.secret());
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.close();
  }

  private static EmbeddingCreateParams.Builder embed(String input) {
    return EmbeddingCreateParams.builder().model("mock-embed").input(input);
  }

  @Test
  void embeddings_float_returnsUnitVectorsOfTheDefaultDimension() {
    CreateEmbeddingResponse resp = openAi.embeddings().create(embed("unit length please").encodingFormat(EncodingFormat.FLOAT).build());

    assertThat(resp.data()).hasSize(1);
    List<Float> vector = resp.data().getFirst().embedding();
    assertThat(vector).hasSize(MOCK_DIMENSIONS);
    assertThat(norm(vector)).isCloseTo(1.0, within(1e-4));
    assertThat(resp.usage().promptTokens()).isPositive();
    assertThat(resp.usage().totalTokens()).isEqualTo(resp.usage().promptTokens());
  }

  @Test
  void embeddings_base64_decodesToTheSameVectorAsFloat() {
    List<Float> asFloat = openAi.embeddings().create(embed("same text").encodingFormat(EncodingFormat.FLOAT).build())
        .data().getFirst().embedding();
    Embedding asBase64 = openAi.embeddings().create(embed("same text").encodingFormat(EncodingFormat.BASE64).build())
        .data().getFirst();

    assertThat(asBase64.embeddingValue().isBase64()).as("the wire value is a base64 string").isTrue();
    assertThat(asBase64.embedding()).isEqualTo(asFloat);
    assertThat(norm(asBase64.embedding())).isCloseTo(1.0, within(1e-4));
  }

  @Test
  void embeddings_base64OnTheWire_isLittleEndianFloat32() throws Exception {
    HttpResponse<String> asFloat = gateway.post("/v1/embeddings", key.secret(),
        "{\"model\":\"mock-embed\",\"input\":\"wire format\",\"encoding_format\":\"float\"}");
    HttpResponse<String> asBase64 = gateway.post("/v1/embeddings", key.secret(),
        "{\"model\":\"mock-embed\",\"input\":\"wire format\",\"encoding_format\":\"base64\"}");

    assertThat(asFloat.statusCode()).isEqualTo(200);
    assertThat(asBase64.statusCode()).isEqualTo(200);
    JsonNode floats = MAPPER.readTree(asFloat.body()).at("/data/0/embedding");
    String encoded = MAPPER.readTree(asBase64.body()).at("/data/0/embedding").asText();
    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes.remaining()).isEqualTo(MOCK_DIMENSIONS * 4);
    for (int i = 0; i < MOCK_DIMENSIONS; i++) {
      assertThat(bytes.getFloat()).as("component %d", i).isEqualTo(floats.get(i).floatValue());
    }
  }

  @Test
  void embeddings_withDimensions_returnsThatManyUnitLengthValues() {
    List<Float> vector = openAi.embeddings().create(embed("short vector").dimensions(64).encodingFormat(EncodingFormat.FLOAT).build())
        .data().getFirst().embedding();

    assertThat(vector).hasSize(64);
    assertThat(norm(vector)).isCloseTo(1.0, within(1e-4));
  }

  @Test
  void embeddings_batchInput_returnsOneVectorPerInputInOrder() {
    CreateEmbeddingResponse batch = openAi.embeddings().create(EmbeddingCreateParams.builder().model("mock-embed")
        .inputOfArrayOfStrings(List.of("first", "second", "third")).build());
    List<Float> second = openAi.embeddings().create(embed("second").build()).data().getFirst().embedding();

    assertThat(batch.data()).extracting(Embedding::index).containsExactly(0L, 1L, 2L);
    assertThat(batch.data().get(1).embedding()).isEqualTo(second);
    assertThat(batch.data().get(0).embedding()).isNotEqualTo(second);
  }

  @Test
  void embeddings_leaveLedgerRowWithInputTokensOnly() {
    String requestId = RequestIds.next();
    CreateEmbeddingResponse resp = openAi.embeddings().create(embed("meter this input")
        .putAdditionalHeader("x-request-id", requestId).build());

    UsageRecord row = gateway.awaitUsage(requestId);

    assertThat(row.keyId()).isEqualTo(key.key().id());
    assertThat(row.endpoint()).isEqualTo("embeddings");
    assertThat(row.modelRequested()).isEqualTo("mock-embed");
    assertThat(row.stream()).isFalse();
    assertThat(row.status()).isEqualTo(200);
    assertThat(row.usage().totalInputTokens()).isEqualTo(resp.usage().promptTokens());
    assertThat(row.usage().totalOutputTokens()).isZero();
    assertThat(row.firstTokenAt()).isPresent();
    assertThat(row.flags()).isEmpty();
  }

  /**
   * The SDK asks for base64 unless told otherwise (and decodes it), so the gateway must pass
   * {@code encoding_format} through and the mock must honour it. The fake upstream shows what the SDK sent.
   */
  @Test
  void sdk_withoutEncodingFormat_sendsBase64AndDecodesTheAnswer() {
    float[] vector = {0.6f, 0.8f, 0f};
    upstream.replyWith(FakeUpstream.json(200, """
        {"object":"list","data":[{"object":"embedding","index":0,"embedding":"%s"}],
         "model":"text-embedding-3-small","usage":{"prompt_tokens":3,"total_tokens":3}}""".formatted(base64(vector))));

    CreateEmbeddingResponse resp = openAi.embeddings().create(EmbeddingCreateParams.builder()
        .model("upstream-embed").input("what does the SDK send?").build());

    JsonNode sent = upstream.takeRequest().json();
    assertThat(sent.path("encoding_format").asText()).isEqualTo("base64");
    assertThat(sent.path("model").asText()).isEqualTo("text-embedding-3-small");
    assertThat(resp.data().getFirst().embedding()).containsExactly(0.6f, 0.8f, 0f);
  }

  private static String base64(float[] vector) {
    ByteBuffer buf = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      buf.putFloat(f);
    }
    return Base64.getEncoder().encodeToString(buf.array());
  }

  private static double norm(List<Float> vector) {
    double sum = 0;
    for (float f : new ArrayList<>(vector)) {
      sum += (double) f * f;
    }
    return Math.sqrt(sum);
  }
}
