package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.completions.CompletionUsage;
import dev.tollgate.auth.KeyService;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat completions through the official OpenAI Java SDK against the built-in mock provider. */
class ChatCompletionsSdkTest {
  @TempDir
  static Path dir;
  static TestGateway gateway;
  static KeyService.CreatedKey key;
  static OpenAIClient openAi;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(dir);
    key = gateway.createKey();
    openAi = gateway.openAi(key.secret());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static ChatCompletionCreateParams.Builder chat(String prompt, String requestId) {
    return ChatCompletionCreateParams.builder().model("mock-small").addUserMessage(prompt)
        .putAdditionalHeader("x-request-id", requestId);
  }

  @Test
  void chat_nonStream_returnsContentWithConsistentUsage() {
    ChatCompletion completion = openAi.chat().completions().create(chat("How do gateways meter tokens?", RequestIds.next()).build());

    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().getFirst().message().content()).hasValueSatisfying(c -> assertThat(c).isNotBlank());
    assertThat(completion.model()).isEqualTo("mock-small");
    CompletionUsage usage = completion.usage().orElseThrow();
    assertThat(usage.promptTokens()).isPositive();
    assertThat(usage.completionTokens()).isPositive();
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
  }

  @Test
  void chat_nonStream_samePromptGivesSameContent() {
    ChatCompletion first = openAi.chat().completions().create(chat("Tell me about budgets", RequestIds.next()).build());
    ChatCompletion second = openAi.chat().completions().create(chat("Tell me about budgets", RequestIds.next()).build());
    ChatCompletion other = openAi.chat().completions().create(chat("Tell me about alerts", RequestIds.next()).build());

    String content = first.choices().getFirst().message().content().orElseThrow();
    assertThat(second.choices().getFirst().message().content()).contains(content);
    assertThat(second.usage()).isEqualTo(first.usage());
    assertThat(other.choices().getFirst().message().content()).isNotEqualTo(first.choices().getFirst().message().content());
  }

  @Test
  void chat_nonStream_leavesLedgerRowWithTheTokensTheSdkSaw() {
    String requestId = RequestIds.next();
    ChatCompletion completion = openAi.chat().completions().create(chat("Record me in the ledger", requestId).build());
    CompletionUsage usage = completion.usage().orElseThrow();

    UsageRecord row = gateway.awaitUsage(requestId);

    assertSuccessfulRow(row, false, usage);
  }

  @Test
  void chat_stream_assemblesTheSameTextAsTheNonStreamedAnswer() {
    String prompt = "Stream this answer, please";
    String expected = openAi.chat().completions().create(chat(prompt, RequestIds.next()).build())
        .choices().getFirst().message().content().orElseThrow();

    List<ChatCompletionChunk> chunks = streamChunks(chat(prompt, RequestIds.next()).build());

    assertThat(chunks.size()).as("chunks").isGreaterThan(2);
    assertThat(text(chunks)).isEqualTo(expected);
    assertThat(chunks.getLast().choices().getFirst().finishReason()).hasValueSatisfying(
        f -> assertThat(f.asString()).isEqualTo("stop"));
  }

  @Test
  void chat_streamWithIncludeUsage_sendsUsageChunkLastAndLedgerMatchesIt() {
    String requestId = RequestIds.next();
    List<ChatCompletionChunk> chunks = streamChunks(chat("Count my tokens while streaming", requestId)
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

    ChatCompletionChunk last = chunks.getLast();
    assertThat(last.choices()).as("the usage chunk has no choices").isEmpty();
    CompletionUsage usage = last.usage().orElseThrow(() -> new AssertionError("no usage chunk in " + chunks));
    assertThat(usage.promptTokens()).isPositive();
    assertThat(usage.completionTokens()).isPositive();
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    assertThat(text(chunks)).isNotBlank();

    assertSuccessfulRow(gateway.awaitUsage(requestId), true, usage);
  }

  @Test
  void chat_streamWithoutIncludeUsage_sendsNoUsageChunkButLedgerStillHasExactUsage() {
    String prompt = "Do not show me usage";
    String requestId = RequestIds.next();
    List<ChatCompletionChunk> chunks = streamChunks(chat(prompt, requestId).build());

    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.usage()).isEmpty();
      assertThat(c.choices()).isNotEmpty();
    });
    // The non-streamed answer to the same prompt carries the usage the stream did not show.
    CompletionUsage usage = openAi.chat().completions().create(chat(prompt, RequestIds.next()).build()).usage().orElseThrow();
    assertSuccessfulRow(gateway.awaitUsage(requestId), true, usage);
  }

  @Test
  void chat_withMaxCompletionTokens_stopsAtTheLimitWithFinishReasonLength() {
    ChatCompletion completion = openAi.chat().completions().create(chat("Say a lot", RequestIds.next())
        .maxCompletionTokens(3).build());

    assertThat(completion.usage().orElseThrow().completionTokens()).isBetween(1L, 3L);
    assertThat(completion.choices().getFirst().finishReason().asString()).isEqualTo("length");
  }

  @Test
  void chat_withTools_returnsAToolCallWhoseArgumentsFitTheSchema() {
    FunctionDefinition weather = FunctionDefinition.builder().name("get_weather")
        .parameters(FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"), "days", Map.of("type", "integer"))))
            .build())
        .build();
    ChatCompletionCreateParams params = chat("What is the weather in Paris?", RequestIds.next()).addFunctionTool(weather).build();

    ChatCompletion completion = openAi.chat().completions().create(params);
    List<ChatCompletionChunk> chunks = streamChunks(params);

    var call = completion.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
    assertThat(completion.choices().getFirst().finishReason().asString()).isEqualTo("tool_calls");
    assertThat(call.function().name()).isEqualTo("get_weather");
    assertThat(json(call.function().arguments())).isEqualTo(json("{\"city\":\"mock\",\"days\":1}"));
    StringBuilder streamedArguments = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().toolCalls().ifPresent(calls -> calls.forEach(
        tc -> tc.function().flatMap(f -> f.arguments()).ifPresent(streamedArguments::append)))));
    assertThat(streamedArguments.toString()).isEqualTo(call.function().arguments());
  }

  @Test
  void chat_attributesTheLedgerRowToTheUserAndTagsFromHeaders() {
    String requestId = RequestIds.next();
    openAi.chat().completions().create(chat("Who am I?", requestId).putAdditionalBodyProperty("user", JsonValue.from("body-user"))
        .putAdditionalHeader("x-tollgate-user", "header-user")
        .putAdditionalHeader("x-tollgate-tags", "team:search, env:prod ,,").build());

    UsageRecord row = gateway.awaitUsage(requestId);

    assertThat(row.userId()).contains("header-user");
    assertThat(row.tags()).containsExactly("team:search", "env:prod");
  }

  @Test
  void chat_withoutUserHeader_takesTheUserFromTheBody() {
    String requestId = RequestIds.next();
    openAi.chat().completions().create(chat("Who am I?", requestId).putAdditionalBodyProperty("user", JsonValue.from("body-user")).build());

    assertThat(gateway.awaitUsage(requestId).userId()).contains("body-user");
  }

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (Exception e) {
      throw new AssertionError(text, e);
    }
  }

  private static List<ChatCompletionChunk> streamChunks(ChatCompletionCreateParams params) {
    try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(params)) {
      return stream.stream().toList();
    }
  }

  private static String text(List<ChatCompletionChunk> chunks) {
    StringBuilder sb = new StringBuilder();
    for (ChatCompletionChunk c : chunks) {
      c.choices().forEach(choice -> choice.delta().content().ifPresent(sb::append));
    }
    return sb.toString();
  }

  private static void assertSuccessfulRow(UsageRecord row, boolean stream, CompletionUsage usage) {
    assertThat(row.keyId()).isEqualTo(key.key().id());
    assertThat(row.modelRequested()).isEqualTo("mock-small");
    assertThat(row.modelServed()).isEqualTo("mock-small");
    assertThat(row.provider()).isEqualTo("mock");
    assertThat(row.endpoint()).isEqualTo("chat");
    assertThat(row.stream()).isEqualTo(stream);
    assertThat(row.status()).isEqualTo(200);
    assertThat(row.errorClass()).isEmpty();
    assertThat(row.flags()).isEmpty();
    assertThat(row.usage().totalInputTokens()).isEqualTo(usage.promptTokens());
    assertThat(row.usage().totalOutputTokens()).isEqualTo(usage.completionTokens());
    assertThat(row.usage().totalTokens()).isEqualTo(usage.totalTokens());
    assertThat(row.firstTokenAt()).hasValueSatisfying(t -> assertThat(t).isBetween(row.startedAt(), row.endedAt()));
  }
}
