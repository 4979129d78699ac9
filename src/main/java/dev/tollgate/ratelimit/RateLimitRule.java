package dev.tollgate.ratelimit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A requests-per-minute and/or tokens-per-minute limit on one key, one project or one model.
 *
 * @param scopeValue the key id, project id or model name; {@code *} for a model rule means every model
 *     (each model counted separately)
 * @param orgId the org that owns the rule (tenant scoping); empty for a rule the master key made
 */
public record RateLimitRule(String id, Scope scope, String scopeValue, OptionalLong rpm, OptionalLong tpm,
                            Optional<String> orgId, Optional<String> projectId, Instant createdAt) {

  /** This rule owned by another org and project (those of the key or project it limits). */
  public RateLimitRule ownedBy(Optional<String> org, Optional<String> project) {
    return new RateLimitRule(id, scope, scopeValue, rpm, tpm, org, project, createdAt);
  }

  public enum Scope {
    KEY, PROJECT, MODEL;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String s) {
      for (Scope v : values()) {
        if (v.wire().equals(s)) {
          return v;
        }
      }
      throw new IllegalArgumentException("scope: " + s + " (expected: key, project or model)");
    }
  }

  public RateLimitRule {
    requireNonNull(id, "id");
    requireNonNull(scope, "scope");
    requireNonNull(scopeValue, "scopeValue");
    requireNonNull(rpm, "rpm");
    requireNonNull(tpm, "tpm");
    requireNonNull(orgId, "orgId");
    requireNonNull(projectId, "projectId");
    requireNonNull(createdAt, "createdAt");
    if (scopeValue.isBlank()) {
      throw new IllegalArgumentException("scope_value: '' (expected: a key id, project id or model name)");
    }
    if (rpm.isEmpty() && tpm.isEmpty()) {
      throw new IllegalArgumentException("rpm, tpm: both missing (expected: at least one limit)");
    }
    if (rpm.isPresent() && rpm.getAsLong() < 1) {
      throw new IllegalArgumentException("rpm: " + rpm.getAsLong() + " (expected: >= 1)");
    }
    if (tpm.isPresent() && tpm.getAsLong() < 1) {
      throw new IllegalArgumentException("tpm: " + tpm.getAsLong() + " (expected: >= 1)");
    }
  }

  /** The counter key for this rule and request (a {@code *} model rule counts each model apart). */
  String counterKey(String kind, String model) {
    String v = scope == Scope.MODEL && scopeValue.equals("*") ? "*:" + model : scopeValue;
    return "rl:" + id + ":" + kind + ":" + v;
  }

  boolean matches(String keyId, Optional<String> org, Optional<String> project, String model) {
    // A tenant's rule only ever applies to its own traffic, whatever its scope value says.
    if ((orgId.isPresent() && !orgId.equals(org)) || (projectId.isPresent() && !projectId.equals(project))) {
      return false;
    }
    return switch (scope) {
      case KEY -> keyId.equals(scopeValue);
      case PROJECT -> project.isPresent() && project.get().equals(scopeValue);
      case MODEL -> scopeValue.equals("*") || scopeValue.equals(model);
    };
  }
}
