package dev.tollgate.routing;

import dev.tollgate.common.UpstreamException;
import dev.tollgate.common.UpstreamTimeoutException;
import java.util.List;
import java.util.Locale;

/**
 * What a failed attempt means for routing. Providers signal a content-policy refusal or a prompt that is
 * too long with a 400 and a recognisable code or message (OpenAI {@code content_policy_violation} /
 * {@code context_length_exceeded}, Azure {@code content_filter}, Anthropic {@code prompt is too long});
 * the adapters keep the provider's message, which is what is matched here.
 */
public enum FailureKind {
  /** The deployment failed (5xx, 408, 409, 429, timeout, connection error, broken answer): retry elsewhere. */
  RETRYABLE,
  /** The provider refused the content: another model may accept it. */
  CONTENT_POLICY,
  /** The prompt does not fit the model's context: a model with a larger window may take it. */
  CONTEXT_WINDOW,
  /** The caller's request is wrong (or a failure no other attempt would fix). */
  FINAL;

  private static final List<String> CONTENT_POLICY_SIGNS = List.of("content_filter", "content_policy", "content policy",
      "content management policy", "safety system", "responsibleaipolicyviolation");
  private static final List<String> CONTEXT_SIGNS = List.of("context_length_exceeded", "maximum context length",
      "context window", "prompt is too long", "too many tokens", "input is too long");

  public static FailureKind of(Throwable failure) {
    if (failure instanceof UpstreamTimeoutException) {
      return RETRYABLE;
    }
    if (!(failure instanceof UpstreamException e)) {
      return FINAL;
    }
    int s = e.upstreamStatus();
    if (s == 0 || s == 408 || s == 409 || s == 429 || s >= 500 || (s >= 200 && s < 300)) {
      return RETRYABLE;
    }
    if (s == 400 || s == 413 || s == 422) {
      String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if (CONTENT_POLICY_SIGNS.stream().anyMatch(msg::contains)) {
        return CONTENT_POLICY;
      }
      if (CONTEXT_SIGNS.stream().anyMatch(msg::contains)) {
        return CONTEXT_WINDOW;
      }
    }
    return FINAL;
  }
}
