package dev.tollgate.budgets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Tokenizer;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.gateway.ModelCatalog;
import dev.tollgate.pricing.CostContext;
import dev.tollgate.pricing.Pricing;
import dev.tollgate.pricing.ServiceTier;
import dev.tollgate.providers.Operation;
import dev.tollgate.usage.TokenUsage;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

/**
 * The most a request can cost, before it is sent: its input counted with the tokenizer plus its largest
 * possible output (the request's {@code max_tokens} / {@code max_completion_tokens}, else the configured
 * cap for the model), priced with the catalog or, for a model without a price, the conservative
 * unpriced estimate.
 */
final class WorstCase {
  /** Framing tokens per message and to prime the reply (OpenAI's chat counting rule, rounded up). */
  private static final int PER_MESSAGE = 4;
  private static final int PRIMING = 3;

  /**
   * @param inputNanos the cost of the input alone
   * @param worstNanos the cost of the input and {@code maxOutputTokens} output tokens
   */
  record Estimate(String model, long inputTokens, long maxOutputTokens, long inputNanos, long worstNanos) {
    /** For a request that no budget and no token limit applies to: nothing reads its size or cost. */
    static Estimate unmeasured(String model) {
      return new Estimate(model, 0, 0, 0, 0);
    }

    long tokens() {
      return inputTokens + maxOutputTokens;
    }

    /** What the input plus {@code outputTokens} output tokens cost, rounded up. */
    long nanosFor(long outputTokens) {
      if (maxOutputTokens == 0 || outputTokens >= maxOutputTokens) {
        return worstNanos;
      }
      BigInteger out = BigInteger.valueOf(worstNanos - inputNanos).multiply(BigInteger.valueOf(outputTokens));
      BigInteger[] qr = out.divideAndRemainder(BigInteger.valueOf(maxOutputTokens));
      return inputNanos + qr[0].longValueExact() + (qr[1].signum() > 0 ? 1 : 0);
    }

    /** How many output tokens {@code nanos} pays for after the input. */
    long outputTokensFor(long nanos) {
      long perAll = worstNanos - inputNanos;
      if (perAll <= 0 || nanos >= worstNanos) {
        return maxOutputTokens;
      }
      if (nanos <= inputNanos) {
        return 0;
      }
      return BigInteger.valueOf(nanos - inputNanos).multiply(BigInteger.valueOf(maxOutputTokens))
          .divide(BigInteger.valueOf(perAll)).longValueExact();
    }
  }

  private final Pricing pricing;
  private final ModelCatalog catalog;
  private final BudgetsConfig config;

  WorstCase(Pricing pricing, ModelCatalog catalog, BudgetsConfig config) {
    this.pricing = pricing;
    this.catalog = catalog;
    this.config = config;
  }

  Estimate estimate(Operation op, String model, ObjectNode body, Instant at) {
    long input = inputTokens(body);
    long output = op == Operation.EMBEDDINGS ? 0 : maxOutput(model, body);
    Route r = route(model);
    CostContext ctx = CostContext.of(ServiceTier.STANDARD);
    long inputNanos = pricing.estimate(r.provider, r.upstream, usage(input, 0), ctx, at).nanos();
    long worst = output == 0 ? inputNanos : pricing.estimate(r.provider, r.upstream, usage(input, output), ctx, at).nanos();
    return new Estimate(model, input, output, inputNanos, Math.max(worst, inputNanos));
  }

  private long maxOutput(String model, ObjectNode body) {
    long cap = config.outputCap(model);
    for (String field : new String[] {"max_completion_tokens", "max_tokens", "max_output_tokens"}) {
      JsonNode v = body.get(field);
      if (v != null && v.isIntegralNumber() && v.asLong() > 0) {
        return Math.min(v.asLong(), cap);
      }
    }
    return cap;
  }

  private record Route(String provider, String upstream) {}

  private Route route(String model) {
    Optional<ModelConfig> exact = catalog.find(model);
    if (exact.isPresent()) {
      return new Route(exact.get().provider(), exact.get().upstreamModel());
    }
    int slash = model.indexOf('/');
    if (slash > 0) {
      Optional<ModelConfig> wildcard = catalog.find(model.substring(0, slash) + ModelConfig.WILDCARD);
      if (wildcard.isPresent()) {
        return new Route(wildcard.get().provider(), model.substring(slash + 1));
      }
    }
    return new Route("", model);
  }

  private static TokenUsage usage(long input, long output) {
    return new TokenUsage(input, 0, 0, 0, 0, 0, output, 0, 0);
  }

  /** Every text the model reads: messages, system, prompt, embedding input, tool definitions. */
  static long inputTokens(ObjectNode body) {
    long n = PRIMING;
    JsonNode messages = body.get("messages");
    if (messages != null && messages.isArray()) {
      n += (long) PER_MESSAGE * messages.size();
    }
    StringBuilder text = new StringBuilder();
    for (String field : new String[] {"messages", "system", "prompt", "input", "tools", "functions"}) {
      collect(body.get(field), text);
    }
    return n + Tokenizer.count(text.toString());
  }

  private static void collect(JsonNode node, StringBuilder out) {
    if (node == null || node.isNull()) {
      return;
    }
    if (node.isTextual()) {
      String s = node.asText();
      if (!s.startsWith("data:") && !s.startsWith("http://") && !s.startsWith("https://")) { // images are not text tokens
        out.append(s).append('\n');
      }
    } else if (node.isNumber()) {
      out.append(node.asText()).append(' '); // token-id arrays (completions, embeddings): about one token each
    } else if (node.isContainerNode()) {
      node.forEach(child -> collect(child, out));
    }
  }
}
