package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.tollgate.auth.KeyService;
import dev.tollgate.testing.RequestIds;
import dev.tollgate.testing.TestGateway;
import dev.tollgate.usage.UsageRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The legacy {@code /v1/completions} endpoint through the official SDK. */
class CompletionsSdkTest {
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

  private static CompletionCreateParams.Builder complete(String prompt, String requestId) {
    return CompletionCreateParams.builder().model("mock-small").prompt(prompt).putAdditionalHeader("x-request-id", requestId);
  }

  @Test
  void completion_nonStream_returnsTextAndLeavesLedgerRow() {
    String requestId = RequestIds.next();

    Completion completion = openAi.completions().create(complete("Once upon a time", requestId).build());

    assertThat(completion.choices().getFirst().text()).isNotBlank();
    CompletionUsage usage = completion.usage().orElseThrow();
    assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.endpoint()).isEqualTo("completions");
    assertThat(row.stream()).isFalse();
    assertThat(row.usage().totalInputTokens()).isEqualTo(usage.promptTokens());
    assertThat(row.usage().totalOutputTokens()).isEqualTo(usage.completionTokens());
    assertThat(row.status()).isEqualTo(200);
  }

  @Test
  void completion_stream_assemblesTheSameTextAndRecordsExactUsage() {
    Completion whole = openAi.completions().create(complete("Stream a story", RequestIds.next()).build());
    String requestId = RequestIds.next();

    List<Completion> chunks;
    try (StreamResponse<Completion> stream = openAi.completions().createStreaming(complete("Stream a story", requestId).build())) {
      chunks = stream.stream().toList();
    }

    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(choice -> text.append(choice.text())));
    assertThat(text.toString()).isEqualTo(whole.choices().getFirst().text());
    UsageRecord row = gateway.awaitUsage(requestId);
    assertThat(row.stream()).isTrue();
    assertThat(row.flags()).isEmpty();
    assertThat(row.usage().totalInputTokens()).isEqualTo(whole.usage().orElseThrow().promptTokens());
    assertThat(row.usage().totalOutputTokens()).isEqualTo(whole.usage().orElseThrow().completionTokens());
  }
}
