package dev.tollgate.common;

/** The caller is known but may not do this. HTTP 403. */
public final class PermissionDeniedException extends TollgateException {
  private final String code;

  public PermissionDeniedException(String code, String message) {
    super(message);
    this.code = code;
  }

  public static PermissionDeniedException modelNotAllowed(String model) {
    return new PermissionDeniedException("model_not_allowed", "this API key may not use model '" + model + "'");
  }

  public static PermissionDeniedException adminOnly() {
    return new PermissionDeniedException("admin_required", "this operation needs the master key");
  }

  public String code() {
    return code;
  }
}
