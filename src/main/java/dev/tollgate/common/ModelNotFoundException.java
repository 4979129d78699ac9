package dev.tollgate.common;

import java.util.Optional;

/** The requested model is not configured. HTTP 404. */
public final class ModelNotFoundException extends TollgateException {
  private final String model;

  public ModelNotFoundException(String model) {
    super("model '" + model + "' does not exist or is not configured on this gateway (GET /v1/models lists the models you may use)");
    this.model = model;
  }

  public String model() {
    return model;
  }

  @Override
  public Optional<String> param() {
    return Optional.of("model");
  }
}
