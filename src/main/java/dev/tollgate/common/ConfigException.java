package dev.tollgate.common;

/** Invalid configuration: names the key, the value and what was expected. */
public final class ConfigException extends TollgateException {
  private final String key;

  public ConfigException(String key, Object value, String expected) {
    super(key + ": " + render(value) + " (expected: " + expected + ")");
    this.key = key;
  }

  public String key() {
    return key;
  }

  private static String render(Object value) {
    if (value == null) {
      return "<missing>";
    }
    return value instanceof CharSequence ? "'" + value + "'" : String.valueOf(value);
  }
}
