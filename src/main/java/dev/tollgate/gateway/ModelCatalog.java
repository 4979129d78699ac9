package dev.tollgate.gateway;

import dev.tollgate.auth.ApiKey;
import dev.tollgate.common.ModelNotFoundException;
import dev.tollgate.common.PermissionDeniedException;
import dev.tollgate.config.ModelConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Public model names and where each is served. Immutable; built from {@code models:} in the config. */
public final class ModelCatalog {
  private final Map<String, ModelConfig> byName = new LinkedHashMap<>();

  public ModelCatalog(List<ModelConfig> models) {
    for (ModelConfig m : models) {
      byName.put(m.name(), m);
    }
  }

  /** The model a caller asked for, if it exists and the key may use it. */
  public ModelConfig resolve(String name, ApiKey key) {
    ModelConfig m = byName.get(name);
    if (m == null) {
      throw new ModelNotFoundException(name);
    }
    if (!key.mayUse(name)) {
      throw PermissionDeniedException.modelNotAllowed(name);
    }
    return m;
  }

  public List<ModelConfig> visibleTo(ApiKey key) {
    return byName.values().stream().filter(m -> key.mayUse(m.name())).toList();
  }

  public List<ModelConfig> all() {
    return List.copyOf(byName.values());
  }
}
