package dev.tollgate.gateway;

import dev.tollgate.auth.ApiKey;
import dev.tollgate.common.ModelNotFoundException;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.config.ModelConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Public model names and where each is served. Immutable; built from {@code models:} in the config.
 * Besides exact names it resolves the {@code provider/model} form through a {@code provider/*} wildcard
 * route (made by the {@code providers:} section): {@code anthropic/claude-sonnet-4-5} is served by
 * {@code anthropic/*} with {@code claude-sonnet-4-5} as the upstream model. Exact names win.
 */
public final class ModelCatalog {
  private final Map<String, ModelConfig> byName = new LinkedHashMap<>();

  public ModelCatalog(List<ModelConfig> models) {
    for (ModelConfig m : models) {
      byName.putIfAbsent(m.name(), m); // several entries of one name are its deployments: the first stands for the model
    }
  }

  /** The model a caller asked for, if it exists and the key may use it. */
  public ModelConfig resolve(String name, ApiKey key) {
    ModelConfig m = lookup(name).orElseThrow(() -> new ModelNotFoundException(name));
    if (!mayUse(key, name)) {
      throw PermissionDeniedException.modelNotAllowed(name);
    }
    return m;
  }

  private Optional<ModelConfig> lookup(String name) {
    ModelConfig m = byName.get(name);
    if (m != null) {
      return m.isWildcard() ? Optional.empty() : Optional.of(m);
    }
    int slash = name.indexOf('/');
    if (slash <= 0 || slash == name.length() - 1) {
      return Optional.empty();
    }
    ModelConfig wildcard = byName.get(name.substring(0, slash) + ModelConfig.WILDCARD);
    return Optional.ofNullable(wildcard).map(w -> w.serving(name, name.substring(slash + 1)));
  }

  /** A key may use a {@code provider/model} name when it allows that name or the {@code provider/*} wildcard. */
  private static boolean mayUse(ApiKey key, String name) {
    if (key.mayUse(name)) {
      return true;
    }
    int slash = name.indexOf('/');
    return slash > 0 && key.allowedModels().contains(name.substring(0, slash) + ModelConfig.WILDCARD);
  }

  /**
   * What {@code GET /v1/models} shows a key: the configured models it may use, and, for a key restricted to
   * {@code provider/model} names, those that a wildcard route serves. Wildcards themselves are not models.
   */
  public List<ModelConfig> visibleTo(ApiKey key) {
    List<ModelConfig> out = new ArrayList<>();
    for (ModelConfig m : byName.values()) {
      if (!m.isWildcard() && mayUse(key, m.name())) {
        out.add(m);
      }
    }
    for (String allowed : key.allowedModels().stream().sorted().toList()) {
      if (!byName.containsKey(allowed)) {
        lookup(allowed).ifPresent(out::add);
      }
    }
    return out;
  }

  /** Resolves a name without a permission check (admin tools, config check). */
  public Optional<ModelConfig> find(String name) {
    return lookup(name);
  }

  public List<ModelConfig> all() {
    return List.copyOf(byName.values());
  }
}
