package dev.tollgate.providers;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.ModelConfig;
import java.util.Map;

/**
 * One call to a provider. {@code body} is the caller's request in the OpenAI format; the adapter owns
 * it from here (it may set the upstream model name, stream options ...).
 *
 * @param clientWantsUsage the caller asked for {@code stream_options.include_usage}; adapters always
 *     report usage to the gateway, but only emit the usage chunk to the caller when this is true
 * @param forwardHeaders caller headers the adapter passes upstream as they are (for a native
 *     {@code /v1/messages} pass-through: {@code anthropic-beta}); lower-case names
 */
public record ProviderCall(Operation operation, ModelConfig model, ObjectNode body, String requestId,
                           boolean clientWantsUsage, Map<String, String> forwardHeaders, Cancellation cancellation) {
  public ProviderCall {
    requireNonNull(cancellation, "cancellation");
    requireNonNull(operation, "operation");
    requireNonNull(model, "model");
    requireNonNull(body, "body");
    requireNonNull(requestId, "requestId");
    forwardHeaders = Map.copyOf(forwardHeaders);
  }

  public ProviderCall(Operation operation, ModelConfig model, ObjectNode body, String requestId, boolean clientWantsUsage) {
    this(operation, model, body, requestId, clientWantsUsage, Map.of());
  }

  public ProviderCall(Operation operation, ModelConfig model, ObjectNode body, String requestId, boolean clientWantsUsage,
                      Map<String, String> forwardHeaders) {
    this(operation, model, body, requestId, clientWantsUsage, forwardHeaders, new Cancellation());
  }
}
