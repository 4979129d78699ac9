package dev.tollgate.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.common.Tokenizer;
import dev.tollgate.config.TollgateConfig.MockConfig;
import dev.tollgate.usage.TokenUsage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The built-in {@code mock} provider: answers in OpenAI's exact wire format with deterministic text
 * derived from the prompt, token counts from a real tokenizer, a tool call when tools are offered, and
 * configurable latency ({@code mock.latency}) and streaming chunk delay ({@code mock.chunk-delay}).
 * Needs no network, so the quickstart and the tests run anywhere.
 */
public final class MockProvider implements ProviderClient {
  static final int DEFAULT_DIMENSIONS = 256;
  private static final String FINGERPRINT = "fp_tollgate_mock";

  private final Vertx vertx;
  private final MockConfig config;
  private final Clock clock;

  public MockProvider(Vertx vertx, MockConfig config, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
  }

  @Override
  public Future<ProviderReply> call(ProviderCall call) {
    Answer answer = answer(call);
    Buffer body = Buffer.buffer(Json.bytes(answer.complete()));
    Promise<ProviderReply> promise = Promise.promise();
    ProviderReply reply = new ProviderReply(body, answer.usage(), call.model().upstreamModel());
    long latency = config.latency().toMillis();
    if (latency > 0) {
      long timer = vertx.setTimer(latency, id -> promise.tryComplete(reply));
      call.cancellation().onCancel(() -> vertx.cancelTimer(timer)); // a hung-up caller gets no answer generated
    } else {
      vertx.runOnContext(v -> promise.tryComplete(reply));
    }
    return promise.future();
  }

  @Override
  public StreamHandle stream(ProviderCall call, StreamObserver observer) {
    Answer answer = answer(call);
    List<Buffer> events = new ArrayList<>();
    for (ObjectNode chunk : answer.chunks()) {
      if (call.clientWantsUsage()) {
        chunk.putNull("usage");
      }
      events.add(Sse.data(chunk));
    }
    if (call.clientWantsUsage()) {
      ObjectNode last = answer.envelope(call.operation() == Operation.CHAT ? "chat.completion.chunk" : "text_completion");
      last.putArray("choices");
      last.set("usage", answer.usageJson());
      events.add(Sse.data(last));
    }
    Iterator<Buffer> it = events.iterator();
    boolean[] cancelled = {false};
    Runnable[] step = new Runnable[1];
    step[0] = () -> {
      if (cancelled[0]) {
        return;
      }
      while (it.hasNext()) {
        if (observer.writeQueueFull()) {
          observer.onDrain(step[0]);
          return;
        }
        observer.onEvent(it.next());
        if (config.chunkDelay().toMillis() > 0 && it.hasNext()) {
          vertx.setTimer(config.chunkDelay().toMillis(), id -> step[0].run());
          return;
        }
      }
      observer.onUsage(answer.usage(), call.model().upstreamModel());
      observer.onEvent(Sse.DONE);
      observer.onComplete();
    };
    after(config.latency().toMillis(), step[0]);
    return () -> cancelled[0] = true;
  }

  private void after(long millis, Runnable action) {
    if (millis > 0) {
      vertx.setTimer(millis, id -> action.run());
    } else {
      vertx.runOnContext(v -> action.run());
    }
  }

  private Answer answer(ProviderCall call) {
    return switch (call.operation()) {
      case CHAT -> chat(call);
      case COMPLETIONS -> completion(call);
      case EMBEDDINGS -> embeddings(call);
    };
  }

  /** One answer in both shapes: the complete object and its stream of chunks. */
  private record Answer(ObjectNode complete, List<ObjectNode> chunks, TokenUsage usage, ObjectNode usageJson,
                        java.util.function.Function<String, ObjectNode> envelopeFactory) {
    ObjectNode envelope(String object) {
      return envelopeFactory.apply(object);
    }
  }

  private Answer chat(ProviderCall call) {
    ObjectNode body = call.body();
    String model = call.model().upstreamModel();
    ArrayNode messages = (ArrayNode) body.get("messages");
    StringBuilder prompt = new StringBuilder();
    long promptTokens = 3;
    String lastUser = "";
    String lastRole = "";
    for (JsonNode m : messages) {
      String text = ChatContent.text(m.get("content"));
      prompt.append(m.path("role").asText()).append(": ").append(text).append('\n');
      promptTokens += 3 + Tokenizer.count(text);
      lastRole = m.path("role").asText();
      if (lastRole.equals("user")) {
        lastUser = text;
      }
    }
    JsonNode tools = body.get("tools");
    if (tools != null && tools.isArray() && !tools.isEmpty()) {
      promptTokens += Tokenizer.count(tools.toString());
    }
    long maxTokens = maxTokens(body, "max_completion_tokens", "max_tokens");
    String id = "chatcmpl-" + call.requestId();
    long created = clock.instant().getEpochSecond();
    java.util.function.Function<String, ObjectNode> envelope = object -> {
      ObjectNode o = Json.object();
      o.put("id", id).put("object", object).put("created", created).put("model", model);
      o.put("system_fingerprint", FINGERPRINT);
      return o;
    };

    ObjectNode message = Json.object().put("role", "assistant");
    List<ObjectNode> chunks = new ArrayList<>();
    String finish;
    long completionTokens;
    JsonNode tool = chosenTool(body, lastRole);
    if (tool != null) {
      String name = tool.path("function").path("name").asText();
      String args = Json.string(argumentsFor(tool.path("function").path("parameters")));
      String callId = "call_" + Long.toHexString(MockText.seed(prompt.toString()) & 0xffffffffffffL);
      message.putNull("content");
      ObjectNode fn = Json.object().put("name", name).put("arguments", args);
      message.putArray("tool_calls").addObject().put("id", callId).put("type", "function").set("function", fn);
      completionTokens = Tokenizer.count(name) + Tokenizer.count(args) + 7;
      finish = "tool_calls";
      ObjectNode first = Json.object().put("role", "assistant").putNull("content");
      first.putArray("tool_calls").addObject().put("index", 0).put("id", callId).put("type", "function")
          .set("function", Json.object().put("name", name).put("arguments", ""));
      chunks.add(chunk(envelope, first, null));
      chunks.add(chunk(envelope, toolArgsDelta(args), null));
    } else {
      MockText.Reply reply = MockText.reply(model, prompt.toString(), lastUser, maxTokens);
      message.put("content", reply.text()).putNull("refusal");
      message.putArray("annotations");
      completionTokens = reply.tokens();
      finish = reply.truncated() ? "length" : "stop";
      chunks.add(chunk(envelope, Json.object().put("role", "assistant").put("content", "").putNull("refusal"), null));
      for (String piece : reply.pieces()) {
        chunks.add(chunk(envelope, Json.object().put("content", piece), null));
      }
    }
    chunks.add(chunk(envelope, Json.object(), finish));

    ObjectNode usageJson = Json.object();
    usageJson.put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
    usageJson.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
    usageJson.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
        .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);

    ObjectNode complete = envelope.apply("chat.completion");
    ObjectNode choice = complete.putArray("choices").addObject();
    choice.put("index", 0).set("message", message);
    choice.putNull("logprobs");
    choice.put("finish_reason", finish);
    complete.set("usage", usageJson);
    complete.put("service_tier", "default");
    return new Answer(complete, chunks, TokenUsage.of(promptTokens, completionTokens), usageJson, envelope);
  }

  private static ObjectNode toolArgsDelta(String args) {
    ObjectNode delta = Json.object();
    delta.putArray("tool_calls").addObject().put("index", 0)
        .set("function", Json.object().put("arguments", args));
    return delta;
  }

  private static ObjectNode chunk(java.util.function.Function<String, ObjectNode> envelope, ObjectNode delta, String finish) {
    ObjectNode c = envelope.apply("chat.completion.chunk");
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0).set("delta", delta);
    choice.putNull("logprobs");
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return c;
  }

  /** The tool the mock calls: only when tools are offered, allowed, and the last turn is the user's. */
  private static JsonNode chosenTool(ObjectNode body, String lastRole) {
    JsonNode tools = body.get("tools");
    if (tools == null || !tools.isArray() || tools.isEmpty() || !lastRole.equals("user")) {
      return null;
    }
    JsonNode choice = body.get("tool_choice");
    if (choice != null && choice.isTextual() && choice.asText().equals("none")) {
      return null;
    }
    if (choice != null && choice.isObject()) {
      String wanted = choice.path("function").path("name").asText();
      for (JsonNode t : tools) {
        if (t.path("function").path("name").asText().equals(wanted)) {
          return t;
        }
      }
    }
    return tools.get(0);
  }

  /** Arguments that satisfy a JSON schema's shape: strings "mock", numbers 1, booleans true. */
  private static ObjectNode argumentsFor(JsonNode schema) {
    ObjectNode args = Json.object();
    JsonNode props = schema.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode enumValues = e.getValue().path("enum");
      if (enumValues.isArray() && !enumValues.isEmpty()) {
        args.set(e.getKey(), enumValues.get(0));
        continue;
      }
      switch (e.getValue().path("type").asText("string")) {
        case "integer", "number" -> args.put(e.getKey(), 1);
        case "boolean" -> args.put(e.getKey(), true);
        case "array" -> args.putArray(e.getKey());
        case "object" -> args.putObject(e.getKey());
        default -> args.put(e.getKey(), "mock");
      }
    }
    return args;
  }

  private Answer completion(ProviderCall call) {
    ObjectNode body = call.body();
    String model = call.model().upstreamModel();
    JsonNode p = body.get("prompt");
    String prompt;
    long promptTokens;
    if (p.isTextual()) {
      prompt = p.asText();
      promptTokens = Tokenizer.count(prompt);
    } else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
      prompt = p.toString();
      promptTokens = p.size();
    } else {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : p) {
        sb.append(part.isTextual() ? part.asText() : part.toString()).append('\n');
      }
      prompt = sb.toString();
      promptTokens = Tokenizer.count(prompt);
    }
    long maxTokens = maxTokens(body, "max_tokens", "max_tokens");
    MockText.Reply reply = MockText.reply(model, prompt, prompt, Math.min(maxTokens, 16 * 1024));
    String id = "cmpl-" + call.requestId();
    long created = clock.instant().getEpochSecond();
    java.util.function.Function<String, ObjectNode> envelope = object -> {
      ObjectNode o = Json.object();
      o.put("id", id).put("object", object).put("created", created).put("model", model);
      o.put("system_fingerprint", FINGERPRINT);
      return o;
    };
    String finish = reply.truncated() ? "length" : "stop";
    ObjectNode complete = envelope.apply("text_completion");
    complete.putArray("choices").addObject().put("text", reply.text()).put("index", 0).putNull("logprobs")
        .put("finish_reason", finish);
    ObjectNode usageJson = Json.object().put("prompt_tokens", promptTokens).put("completion_tokens", reply.tokens())
        .put("total_tokens", promptTokens + reply.tokens());
    complete.set("usage", usageJson);
    List<ObjectNode> chunks = new ArrayList<>();
    for (int i = 0; i < reply.pieces().size(); i++) {
      ObjectNode c = envelope.apply("text_completion");
      boolean last = i == reply.pieces().size() - 1;
      ObjectNode choice = c.putArray("choices").addObject().put("text", reply.pieces().get(i)).put("index", 0);
      choice.putNull("logprobs");
      if (last) {
        choice.put("finish_reason", finish);
      } else {
        choice.putNull("finish_reason");
      }
      chunks.add(c);
    }
    return new Answer(complete, chunks, TokenUsage.of(promptTokens, reply.tokens()), usageJson, envelope);
  }

  private Answer embeddings(ProviderCall call) {
    ObjectNode body = call.body();
    String model = call.model().upstreamModel();
    int dimensions = body.path("dimensions").asInt(DEFAULT_DIMENSIONS);
    boolean base64 = body.path("encoding_format").asText("float").equals("base64");
    JsonNode input = body.get("input");
    List<String> items = new ArrayList<>();
    long tokens = 0;
    if (input.isTextual()) {
      items.add(input.asText());
      tokens += Tokenizer.count(input.asText());
    } else if (!input.isEmpty() && input.get(0).isIntegralNumber()) {
      items.add(input.toString());
      tokens += input.size();
    } else {
      for (JsonNode item : input) {
        items.add(item.isTextual() ? item.asText() : item.toString());
        tokens += item.isTextual() ? Tokenizer.count(item.asText()) : item.size();
      }
    }
    ObjectNode complete = Json.object().put("object", "list");
    ArrayNode data = complete.putArray("data");
    for (int i = 0; i < items.size(); i++) {
      float[] vector = vector(model + "\u0000" + items.get(i), dimensions);
      ObjectNode e = data.addObject().put("object", "embedding").put("index", i);
      if (base64) {
        ByteBuffer buf = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : vector) {
          buf.putFloat(f);
        }
        e.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
      } else {
        ArrayNode arr = e.putArray("embedding");
        for (float f : vector) {
          arr.add(f);
        }
      }
    }
    complete.put("model", model);
    ObjectNode usageJson = Json.object().put("prompt_tokens", tokens).put("total_tokens", tokens);
    complete.set("usage", usageJson);
    return new Answer(complete, List.of(), TokenUsage.of(tokens, 0), usageJson, o -> Json.object());
  }

  /** A deterministic unit vector: same text, same vector; different texts, (almost surely) different. */
  static float[] vector(String text, int dimensions) {
    SplittableRandom random = new SplittableRandom(MockText.seed(text));
    float[] v = new float[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
      norm += v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dimensions; i++) {
      v[i] *= scale;
    }
    return v;
  }

  private static long maxTokens(ObjectNode body, String primary, String secondary) {
    JsonNode v = body.get(primary);
    if (v == null || v.isNull()) {
      v = body.get(secondary);
    }
    return v == null || v.isNull() ? Long.MAX_VALUE : Math.max(1, v.asLong());
  }
}
