package dev.tollgate.auth;

import dev.tollgate.common.InvalidRequestException;
import java.util.Locale;

/**
 * What a user may do in the scope a role is granted on (everything, one org, or one project). Ordered
 * from most to least powerful; {@link #atLeast} compares.
 *
 * <ul>
 *   <li>{@code OWNER}: everything in the scope, including granting and removing owner roles.</li>
 *   <li>{@code ADMIN}: everything in the scope except owners: cannot grant, change or remove an owner.</li>
 *   <li>{@code MEMBER}: creates, rotates and revokes API keys of the scope's projects; reads everything else.</li>
 *   <li>{@code VIEWER}: reads only.</li>
 * </ul>
 */
public enum AdminRole {
  OWNER, ADMIN, MEMBER, VIEWER;

  public boolean atLeast(AdminRole other) {
    return ordinal() <= other.ordinal();
  }

  /** Owners and admins administer their scope (projects, users, budgets ...): {@link AdminScope#mayWrite()}. */
  public boolean administers() {
    return atLeast(ADMIN);
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AdminRole parse(String param, String text) {
    for (AdminRole r : values()) {
      if (r.wire().equals(text)) {
        return r;
      }
    }
    throw new InvalidRequestException(param, param + ": '" + text + "' (expected: one of owner, admin, member, viewer)");
  }
}
