package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code tollgate.yaml} (kebab-case keys), applies {@code TOLLGATE_*} environment overrides and
 * {@code ${ENV_VAR}} references, and builds a validated {@link TollgateConfig}. Unknown keys are errors:
 * a typo should not silently fall back to a default.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  /** Every scalar key that an environment variable can set: {@code server.port} is {@code TOLLGATE_SERVER_PORT}. */
  public static final List<String> ENV_KEYS = List.of(
      "server.host", "server.port", "server.body-limit", "server.event-loops",
      "store.url", "auth.master-key", "mock.latency", "mock.chunk-delay",
      "usage.queue-capacity", "usage.batch-size", "usage.flush-interval", "usage.journal-dir", "usage.fsync-interval",
      "upstream.max-connections-per-host", "upstream.connect-timeout", "upstream.request-timeout",
      "log.format", "log.level");

  private static final Map<String, Set<String>> SECTIONS = Map.of(
      "server", Set.of("host", "port", "body-limit", "event-loops"),
      "store", Set.of("url"),
      "auth", Set.of("master-key"),
      "mock", Set.of("latency", "chunk-delay"),
      "usage", Set.of("queue-capacity", "batch-size", "flush-interval", "journal-dir", "fsync-interval"),
      "upstream", Set.of("max-connections-per-host", "connect-timeout", "request-timeout"),
      "log", Set.of("format", "level"),
      "models", Set.of());
  private static final Set<String> MODEL_KEYS = Set.of("name", "provider", "model", "base-url", "api-key");

  private final Function<String, String> env;

  public ConfigLoader(Function<String, String> env) {
    this.env = env;
  }

  public static ConfigLoader fromSystemEnv() {
    return new ConfigLoader(System::getenv);
  }

  public static String envName(String key) {
    return "TOLLGATE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Loads {@code file} if present, else the defaults, then applies the environment. */
  public TollgateConfig load(Optional<Path> file) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    if (file.isPresent()) {
      Path path = file.get();
      if (!Files.isRegularFile(path)) {
        throw new ConfigException("--config", path.toString(), "an existing YAML file");
      }
      try {
        JsonNode tree = YAML.readTree(path.toFile());
        if (tree != null && !tree.isMissingNode() && !tree.isNull()) {
          if (!tree.isObject()) {
            throw new ConfigException("<root>", tree.getNodeType().name().toLowerCase(Locale.ROOT), "a YAML mapping");
          }
          root = (ObjectNode) tree;
        }
      } catch (IOException e) {
        throw new ConfigException(path.toString(), firstLine(e.getMessage()), "valid YAML");
      }
    }
    return bind(root);
  }

  /** Builds a config from an already-parsed tree (the tests use this directly). */
  public TollgateConfig bind(ObjectNode root) {
    checkKnownKeys(root);
    applyEnvOverrides(root);
    resolveEnvRefs(root, "");
    TollgateConfig d = TollgateConfig.ofDefaults();
    Section server = section(root, "server");
    Section store = section(root, "store");
    Section auth = section(root, "auth");
    Section mock = section(root, "mock");
    Section usage = section(root, "usage");
    Section upstream = section(root, "upstream");
    Section log = section(root, "log");
    return new TollgateConfig(
        new TollgateConfig.ServerConfig(
            server.string("host", d.server().host()),
            server.integer("port", d.server().port()),
            server.size("body-limit", d.server().bodyLimitBytes()),
            server.integer("event-loops", d.server().eventLoops())),
        new TollgateConfig.StoreConfig(store.string("url", d.store().url())),
        new TollgateConfig.AuthConfig(auth.optionalString("master-key")),
        new TollgateConfig.MockConfig(
            mock.duration("latency", d.mock().latency()),
            mock.duration("chunk-delay", d.mock().chunkDelay())),
        new TollgateConfig.UsageConfig(
            usage.integer("queue-capacity", d.usage().queueCapacity()),
            usage.integer("batch-size", d.usage().batchSize()),
            usage.duration("flush-interval", d.usage().flushInterval()),
            usage.optionalString("journal-dir").map(dir -> path(usage.key("journal-dir"), dir)),
            usage.duration("fsync-interval", d.usage().fsyncInterval())),
        new TollgateConfig.UpstreamConfig(
            upstream.integer("max-connections-per-host", d.upstream().maxConnectionsPerHost()),
            upstream.duration("connect-timeout", d.upstream().connectTimeout()),
            upstream.duration("request-timeout", d.upstream().requestTimeout())),
        new TollgateConfig.LogConfig(log.string("format", d.log().format()), log.string("level", d.log().level())),
        root.has("models") ? models(root.get("models")) : d.models());
  }

  private List<ModelConfig> models(JsonNode node) {
    if (!node.isArray()) {
      throw new ConfigException("models", node.getNodeType().name().toLowerCase(Locale.ROOT), "a list of {name, provider, ...}");
    }
    List<ModelConfig> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode m = node.get(i);
      String prefix = "models[" + i + "]";
      if (!m.isObject()) {
        throw new ConfigException(prefix, m.toString(), "a mapping with name and provider");
      }
      for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!MODEL_KEYS.contains(k)) {
          throw new ConfigException(prefix + "." + k, m.get(k).asText(), "no such key; known: " + String.join(", ", MODEL_KEYS.stream().sorted().toList()));
        }
      }
      Section s = new Section(prefix, (ObjectNode) m);
      String name = s.optionalString("name").orElseThrow(() -> new ConfigException(prefix + ".name", null, "the public model name"));
      String provider = s.optionalString("provider").orElseThrow(() -> new ConfigException(prefix + ".provider", null, "one of " + ModelConfig.PROVIDERS));
      out.add(new ModelConfig(name, provider, s.string("model", name), s.optionalString("base-url"), s.optionalString("api-key")));
    }
    return out;
  }

  private void checkKnownKeys(ObjectNode root) {
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String top = it.next();
      Set<String> known = SECTIONS.get(top);
      if (known == null) {
        throw new ConfigException(top, "", "no such section; known: " + String.join(", ", SECTIONS.keySet().stream().sorted().toList()));
      }
      JsonNode node = root.get(top);
      if (top.equals("models")) {
        continue;
      }
      if (node.isNull()) {
        continue;
      }
      if (!node.isObject()) {
        throw new ConfigException(top, node.asText(), "a mapping");
      }
      for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
        String k = keys.next();
        if (!known.contains(k)) {
          throw new ConfigException(top + "." + k, node.get(k).asText(), "no such key; known: " + String.join(", ", known.stream().sorted().toList()));
        }
      }
    }
  }

  private void applyEnvOverrides(ObjectNode root) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String key : ENV_KEYS) {
      String value = env.apply(envName(key));
      if (value != null) {
        overrides.put(key, value);
      }
    }
    String master = env.apply("TOLLGATE_MASTER_KEY");
    if (master != null && !master.isEmpty()) {
      overrides.putIfAbsent("auth.master-key", master);
    }
    overrides.forEach((key, value) -> {
      int dot = key.indexOf('.');
      String section = key.substring(0, dot);
      JsonNode existing = root.get(section);
      ObjectNode obj = existing instanceof ObjectNode o ? o : root.putObject(section);
      obj.put(key.substring(dot + 1), value);
    });
  }

  private void resolveEnvRefs(JsonNode node, String path) {
    if (node instanceof ObjectNode obj) {
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getValue().isTextual()) {
          e.setValue(TextNode.valueOf(substitute(childPath, e.getValue().asText())));
        } else {
          resolveEnvRefs(e.getValue(), childPath);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode child = node.get(i);
        String childPath = path + "[" + i + "]";
        if (child.isTextual()) {
          ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, TextNode.valueOf(substitute(childPath, child.asText())));
        } else {
          resolveEnvRefs(child, childPath);
        }
      }
    }
  }

  private String substitute(String key, String text) {
    Matcher m = ENV_REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.apply(m.group(1));
      if (value == null) {
        if (m.group(2) == null) {
          throw new ConfigException(key, "${" + m.group(1) + "}", "environment variable " + m.group(1) + " to be set (or a default: ${" + m.group(1) + ":-value})");
        }
        value = m.group(2);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Path path(String key, String text) {
    if (text.isBlank()) {
      throw new ConfigException(key, text, "a directory path");
    }
    try {
      return Path.of(text);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(key, text, "a valid path (" + e.getReason() + ")");
    }
  }

  private static Section section(ObjectNode root, String name) {
    JsonNode node = root.get(name);
    return new Section(name, node instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** Typed access to one mapping, with errors that name the full key. */
  private record Section(String prefix, ObjectNode node) {
    String key(String k) {
      return prefix + "." + k;
    }

    Optional<String> optionalString(String k) {
      JsonNode v = node.get(k);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (!v.isValueNode()) {
        throw new ConfigException(key(k), v.toString(), "a string");
      }
      return Optional.of(v.asText());
    }

    String string(String k, String fallback) {
      return optionalString(k).orElse(fallback);
    }

    int integer(String k, int fallback) {
      JsonNode v = node.get(k);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (v.isInt()) {
        return v.intValue();
      }
      if (v.isTextual()) {
        try {
          return Integer.parseInt(v.asText().trim());
        } catch (NumberFormatException e) {
          // fall through to the error below
        }
      }
      throw new ConfigException(key(k), v.asText(), "an integer");
    }

    long size(String k, long fallback) {
      JsonNode v = node.get(k);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (v.isIntegralNumber()) {
        return v.longValue();
      }
      return Durations.parseSize(key(k), v.asText());
    }

    Duration duration(String k, Duration fallback) {
      JsonNode v = node.get(k);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (v.isIntegralNumber()) {
        throw new ConfigException(key(k), v.asText(), "a duration with a unit, such as " + v.asText() + "ms or " + v.asText() + "s");
      }
      return Durations.parseDuration(key(k), v.asText());
    }
  }
}
