package dev.tollgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.common.InvalidRequestException;
import dev.tollgate.common.UpstreamException;
import dev.tollgate.common.UpstreamTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));

  @Test
  void backoff_growsExponentiallyWithJitterInTheUpperHalf_andIsCapped() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 200; i++) {
      assertThat(policy.backoff(2, Optional.empty(), random).toMillis()).isBetween(50L, 100L);
      assertThat(policy.backoff(3, Optional.empty(), random).toMillis()).isBetween(100L, 200L);
      assertThat(policy.backoff(4, Optional.empty(), random).toMillis()).isBetween(200L, 400L);
      assertThat(policy.backoff(10, Optional.empty(), random).toMillis()).isBetween(500L, 1000L);
    }
  }

  @Test
  void backoff_isDeterministicForASeed() {
    Duration a = policy.backoff(3, Optional.empty(), new SplittableRandom(7));
    Duration b = policy.backoff(3, Optional.empty(), new SplittableRandom(7));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void retryAfter_longerThanTheBackoff_wins() {
    assertThat(policy.backoff(2, Optional.of(Duration.ofSeconds(3)), new SplittableRandom(1))).isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.backoff(2, Optional.of(Duration.ofMillis(1)), new SplittableRandom(1)).toMillis()).isBetween(50L, 100L);
  }

  @Test
  void whatIsRetried() {
    for (int status : new int[] {408, 409, 429, 500, 502, 503, 504, 529}) {
      assertThat(RetryPolicy.retryable(new UpstreamException("openai", status, "x"))).as("status " + status).isTrue();
    }
    for (int status : new int[] {400, 401, 403, 404, 413, 422}) {
      assertThat(RetryPolicy.retryable(new UpstreamException("openai", status, "x"))).as("status " + status).isFalse();
    }
    assertThat(RetryPolicy.retryable(new UpstreamException("openai", "reset", new IOException("reset")))).isTrue();
    assertThat(RetryPolicy.retryable(new UpstreamTimeoutException("openai", "total", Duration.ofSeconds(1)))).isTrue();
    assertThat(RetryPolicy.retryable(new UpstreamException("openai", 200, "sent a body that is not JSON"))).isTrue();
    assertThat(RetryPolicy.retryable(new InvalidRequestException("model", "bad"))).isFalse();
  }

  @Test
  void refusalsAndContextErrors_areRecognisedForFallbacks() {
    assertThat(FailureKind.of(new UpstreamException("azure", 400,
        "upstream 'azure' answered 400: The response was filtered due to the prompt triggering Azure OpenAI's content management policy.")))
        .isEqualTo(FailureKind.CONTENT_POLICY);
    assertThat(FailureKind.of(new UpstreamException("openai", 400,
        "upstream 'openai' answered 400: This model's maximum context length is 8192 tokens.")))
        .isEqualTo(FailureKind.CONTEXT_WINDOW);
    assertThat(FailureKind.of(new UpstreamException("openai", 400, "upstream 'openai' answered 400: bad temperature")))
        .isEqualTo(FailureKind.FINAL);
  }
}
