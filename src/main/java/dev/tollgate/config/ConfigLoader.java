package dev.tollgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.analytics.AnalyticsConfig;
import dev.tollgate.cluster.RedisConfig;
import dev.tollgate.common.ConfigException;
import dev.tollgate.common.Durations;
import dev.tollgate.alerts.AlertsConfig;
import dev.tollgate.budgets.BudgetsConfig;
import dev.tollgate.cache.CacheConfig;
import dev.tollgate.pricing.PricingConfig;
import dev.tollgate.routing.RoutingConfig;
import dev.tollgate.routing.Strategy;
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
import java.util.OptionalLong;
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
  /** Floats as BigDecimal: prices in the file are money and must not pass through a double. */
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true);
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  /** Every scalar key that an environment variable can set: {@code server.port} is {@code TOLLGATE_SERVER_PORT}. */
  public static final List<String> ENV_KEYS = List.of(
      "server.host", "server.port", "server.body-limit", "server.event-loops", "server.transport",
      "store.url", "auth.master-key", "auth.session-ttl", "auth.key-rotation-grace", "auth.password-memory-kib",
      "auth.password-iterations", "auth.last-used-flush-interval",
      "auth.login-attempts-per-minute", "auth.login-attempts-per-minute-per-address", "mock.latency", "mock.chunk-delay",
      "usage.queue-capacity", "usage.batch-size", "usage.flush-interval", "usage.journal-dir", "usage.fsync-interval",
      "upstream.max-connections-per-host", "upstream.connect-timeout", "upstream.request-timeout",
      "log.format", "log.level", "log.access", "redis.url");

  private static final Map<String, Set<String>> SECTIONS = Map.ofEntries(
      Map.entry("server", Set.of("host", "port", "body-limit", "event-loops", "transport")),
      Map.entry("store", Set.of("url")),
      Map.entry("auth", Set.of("master-key", "session-ttl", "key-rotation-grace", "password-memory-kib",
          "password-iterations", "last-used-flush-interval", "login-attempts-per-minute",
          "login-attempts-per-minute-per-address")),
      Map.entry("mock", Set.of("latency", "chunk-delay")),
      Map.entry("usage", Set.of("queue-capacity", "batch-size", "flush-interval", "journal-dir", "fsync-interval")),
      Map.entry("upstream", Set.of("max-connections-per-host", "connect-timeout", "request-timeout")),
      Map.entry("log", Set.of("format", "level", "access")),
      Map.entry("models", Set.of()),
      Map.entry("providers", Set.of()),
      Map.entry("pricing", Set.of()),
      Map.entry(RoutingConfig.SECTION, Set.of()),
      Map.entry(CacheConfig.SECTION, Set.of()),
      Map.entry("budgets", Set.of("time-zone", "reservation-ttl", "default-max-output-tokens", "min-output-tokens", "max-output-tokens")),
      Map.entry("alerts", Set.of("max-attempts", "initial-backoff", "max-backoff", "pagerduty-url", "smtp")),
      Map.entry("redis", Set.of()),
      Map.entry("analytics", AnalyticsConfig.KEYS));
  private static final Set<String> MODEL_KEYS = Set.of("name", "provider", "model", "base-url", "api-key", "headers",
      "deployment", "api-version", "entra-token", "anthropic-version", "max-tokens", "organization", "project",
      "id", "weight", "priority", "region", "fallbacks", "context-window", "strategy", "deployments");
  /** Keys that belong to the public model, not to one of its deployments. */
  private static final Set<String> MODEL_LEVEL_KEYS = Set.of("name", "fallbacks", "context-window", "strategy", "deployments");
  /** Keys of a {@code providers.<name>} entry: a model's keys minus name/provider/model, plus the advertised models. */
  private static final Set<String> PROVIDER_KEYS = Set.of("base-url", "api-key", "headers", "models",
      "deployment", "api-version", "entra-token", "anthropic-version", "max-tokens", "organization", "project");
  /** Keys that are not provider-specific options. */
  private static final Set<String> COMMON_KEYS = Set.of("name", "provider", "model", "base-url", "api-key", "headers", "models",
      "id", "weight", "priority", "region", "fallbacks", "context-window", "strategy", "deployments");

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
            server.integer("event-loops", d.server().eventLoops()),
            server.string("transport", d.server().transport())),
        new TollgateConfig.StoreConfig(store.string("url", d.store().url())),
        new TollgateConfig.AuthConfig(auth.optionalString("master-key"),
            auth.duration("session-ttl", d.auth().sessionTtl()),
            auth.duration("key-rotation-grace", d.auth().keyRotationGrace()),
            auth.integer("password-memory-kib", d.auth().passwordMemoryKib()),
            auth.integer("password-iterations", d.auth().passwordIterations()),
            auth.duration("last-used-flush-interval", d.auth().lastUsedFlushInterval()),
            auth.integer("login-attempts-per-minute", d.auth().loginAttemptsPerMinute()),
            auth.integer("login-attempts-per-minute-per-address", d.auth().loginAttemptsPerMinutePerAddress())),
        new TollgateConfig.MockConfig(
            mock.duration("latency", d.mock().latency()),
            mock.duration("chunk-delay", d.mock().chunkDelay())),
        usageConfig(usage, d.usage()),
        new TollgateConfig.UpstreamConfig(
            upstream.integer("max-connections-per-host", d.upstream().maxConnectionsPerHost()),
            upstream.duration("connect-timeout", d.upstream().connectTimeout()),
            upstream.duration("request-timeout", d.upstream().requestTimeout())),
        new TollgateConfig.LogConfig(log.string("format", d.log().format()), log.string("level", d.log().level()),
            log.bool("access", d.log().access())),
        models(root.get("models"), providers(root.get("providers")), d.models()),
        PricingConfig.parse(root.get("pricing")),
        RoutingConfig.parse(root.get(RoutingConfig.SECTION)),
        CacheConfig.parse(root.get(CacheConfig.SECTION)),
        BudgetsConfig.parse(root.get("budgets")),
        AlertsConfig.parse(root.get("alerts")),
        RedisConfig.parse(root.get("redis")),
        AnalyticsConfig.parse(root.get("analytics")));
  }

  /** Defaults for one provider from the {@code providers:} section. */
  private record ProviderDefaults(ModelConfig wildcard, ObjectNode settings, List<String> advertised) {}

  /**
   * The {@code providers:} section: credentials and defaults per provider. Each entry enables the
   * {@code <provider>/<model>} form (a {@code <provider>/*} wildcard route), fills in what {@code models:}
   * entries of that provider leave out (api-key, base-url, headers, options), and its optional
   * {@code models: [..]} list adds {@code <provider>/<model>} entries that {@code GET /v1/models} shows.
   */
  private Map<String, ProviderDefaults> providers(JsonNode node) {
    Map<String, ProviderDefaults> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new ConfigException("providers", node.getNodeType().name().toLowerCase(Locale.ROOT), "a mapping of provider name to {api-key, base-url, ...}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String provider = e.getKey();
      String prefix = "providers." + provider;
      if (!ModelConfig.PROVIDERS.contains(provider)) {
        throw new ConfigException(prefix, "", "a provider name; known: " + String.join(", ", ModelConfig.PROVIDERS));
      }
      JsonNode p = e.getValue() == null || e.getValue().isNull() ? JsonNodeFactory.instance.objectNode() : e.getValue();
      if (!p.isObject()) {
        throw new ConfigException(prefix, p.asText(), "a mapping with api-key, base-url, ...");
      }
      for (Iterator<String> keys = p.fieldNames(); keys.hasNext(); ) {
        String k = keys.next();
        if (!PROVIDER_KEYS.contains(k)) {
          throw new ConfigException(prefix + "." + k, p.get(k).asText(), "no such key; known: " + String.join(", ", PROVIDER_KEYS.stream().sorted().toList()));
        }
      }
      ObjectNode settings = (ObjectNode) p;
      Section s = new Section(prefix, settings);
      List<String> advertised = new ArrayList<>();
      JsonNode list = p.get("models");
      if (list != null && !list.isNull()) {
        if (!list.isArray()) {
          throw new ConfigException(prefix + ".models", list.asText(), "a list of upstream model names");
        }
        for (JsonNode m : list) {
          if (!m.isTextual() || m.asText().isBlank()) {
            throw new ConfigException(prefix + ".models", m.toString(), "a list of upstream model names");
          }
          advertised.add(m.asText());
        }
      }
      ModelConfig wildcard;
      try {
        wildcard = new ModelConfig(provider + ModelConfig.WILDCARD, provider, "*", s.optionalString("base-url"),
            s.optionalString("api-key"), options(s, settings), headers(s, p.get("headers")));
      } catch (ConfigException ce) {
        // name the providers key, not the synthetic wildcard model
        String msg = ce.getMessage();
        int at = msg.indexOf(" (expected: ");
        String rendered = msg.substring(ce.key().length() + 2, at);
        throw new ConfigException(ce.key().replace("models[" + provider + ModelConfig.WILDCARD + "]", prefix),
            new Object() {
              @Override
              public String toString() {
                return rendered;
              }
            }, msg.substring(at + 12, msg.length() - 1));
      }
      out.put(provider, new ProviderDefaults(wildcard, settings, advertised));
    }
    return out;
  }

  /** {@code models:} (or the defaults when absent), merged with the provider defaults, then the providers' own routes. */
  private List<ModelConfig> models(JsonNode node, Map<String, ProviderDefaults> providers, List<ModelConfig> fallback) {
    List<ModelConfig> out = new ArrayList<>(node == null || node.isNull() ? fallback : models(node, providers));
    providers.forEach((provider, d) -> {
      for (String upstream : d.advertised()) {
        String name = provider + "/" + upstream;
        if (out.stream().noneMatch(m -> m.name().equals(name))) {
          out.add(d.wildcard().serving(name, upstream));
        }
      }
      if (out.stream().noneMatch(m -> m.name().equals(d.wildcard().name()))) {
        out.add(d.wildcard());
      }
    });
    return out;
  }

  private static Map<String, String> options(Section s, ObjectNode node) {
    Map<String, String> options = new LinkedHashMap<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!COMMON_KEYS.contains(k)) {
        s.optionalString(k).ifPresent(v -> options.put(k, v));
      }
    }
    return options;
  }

  private static Map<String, String> headers(Section s, JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new ConfigException(s.key("headers"), node.asText(), "a mapping of header name to value");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new ConfigException(s.key("headers") + "." + e.getKey(), e.getValue().toString(), "a string");
      }
      headers.put(e.getKey(), e.getValue().asText());
    }
    return headers;
  }

  private List<ModelConfig> models(JsonNode node, Map<String, ProviderDefaults> providers) {
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
      List<String> fallbacks = strings(s, "fallbacks");
      OptionalLong contextWindow = s.node().hasNonNull("context-window")
          ? OptionalLong.of(s.integer("context-window", 0)) : OptionalLong.empty();
      Optional<Strategy> strategy = s.optionalString("strategy").map(v -> Strategy.parse(s.key("strategy"), v));
      JsonNode deployments = m.get("deployments");
      if (deployments == null || deployments.isNull()) {
        out.add(entry(prefix, (ObjectNode) m, name, providers).withRouting(fallbacks, contextWindow, strategy));
        continue;
      }
      if (!deployments.isArray() || deployments.isEmpty()) {
        throw new ConfigException(prefix + ".deployments", deployments.toString(), "a non-empty list of {id, provider, model, weight, ...}");
      }
      for (int j = 0; j < deployments.size(); j++) {
        String dprefix = prefix + ".deployments[" + j + "]";
        JsonNode d = deployments.get(j);
        if (!d.isObject()) {
          throw new ConfigException(dprefix, d.toString(), "a mapping with provider, model, weight ...");
        }
        ObjectNode merged = ((ObjectNode) m).deepCopy();
        merged.remove(MODEL_LEVEL_KEYS);
        for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          if (!MODEL_KEYS.contains(k) || MODEL_LEVEL_KEYS.contains(k)) {
            throw new ConfigException(dprefix + "." + k, d.get(k).asText(), "no such key for a deployment");
          }
        }
        merged.setAll((ObjectNode) d);
        if (!merged.has("id")) {
          merged.put("id", Integer.toString(j + 1));
        }
        out.add(entry(dprefix, merged, name, providers).withRouting(fallbacks, contextWindow, strategy));
      }
    }
    return out;
  }

  /** One deployment entry (a whole single-upstream model, or one item of {@code deployments:}). */
  private ModelConfig entry(String prefix, ObjectNode m, String name, Map<String, ProviderDefaults> providers) {
    Section s = new Section(prefix, m);
    String provider = s.optionalString("provider").orElseThrow(() -> new ConfigException(prefix + ".provider", null, "one of " + ModelConfig.PROVIDERS));
    ObjectNode merged = m;
    ProviderDefaults d = providers.get(provider);
    if (d != null) {
      // the model's own keys win; credentials come as a pair (api-key or entra-token), never mixed
      merged = d.settings().deepCopy();
      merged.remove("models");
      if (m.has("api-key") || m.has("entra-token")) {
        merged.remove("api-key");
        merged.remove("entra-token");
      }
      ObjectNode headers = merged.has("headers") && merged.get("headers").isObject() ? (ObjectNode) merged.get("headers") : null;
      merged.setAll(m);
      if (headers != null && m.get("headers") instanceof ObjectNode own) {
        headers.setAll(own);
        merged.set("headers", headers);
      }
    }
    Section ms = new Section(prefix, merged);
    ModelConfig base = new ModelConfig(name, provider, ms.string("model", name), ms.optionalString("base-url"),
        ms.optionalString("api-key"), options(ms, merged), headers(ms, merged.get("headers")));
    return base.asDeployment(ms.string("id", ModelConfig.DEFAULT_DEPLOYMENT), ms.integer("weight", 1),
        ms.integer("priority", 0), ms.optionalString("region"));
  }

  private static List<String> strings(Section s, String k) {
    JsonNode v = s.node().get(k);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new ConfigException(s.key(k), v.asText(), "a list of model names");
    }
    for (JsonNode e : v) {
      if (!e.isTextual() || e.asText().isBlank()) {
        throw new ConfigException(s.key(k), e.toString(), "a list of model names");
      }
      out.add(e.asText());
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
      if (top.equals("models") || top.equals("providers") || top.equals("pricing") || top.equals(RoutingConfig.SECTION)
          || top.equals(CacheConfig.SECTION) || top.equals("redis")) {
        continue; // validated by their own parsers
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

  /** The default batch size is capped at the queue capacity, so that a smaller queue alone is a valid setting. */
  private static TollgateConfig.UsageConfig usageConfig(Section usage, TollgateConfig.UsageConfig d) {
    int capacity = usage.integer("queue-capacity", d.queueCapacity());
    return new TollgateConfig.UsageConfig(capacity,
        usage.integer("batch-size", Math.min(d.batchSize(), capacity)),
        usage.duration("flush-interval", d.flushInterval()),
        usage.optionalString("journal-dir").map(dir -> path(usage.key("journal-dir"), dir)),
        usage.duration("fsync-interval", d.fsyncInterval()));
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

    boolean bool(String k, boolean fallback) {
      Optional<String> v = optionalString(k);
      if (v.isEmpty()) {
        return fallback;
      }
      return switch (v.get().trim()) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new ConfigException(key(k), v.get(), "true or false");
      };
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
