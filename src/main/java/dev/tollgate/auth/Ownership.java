package dev.tollgate.auth;

import dev.tollgate.common.NotFoundException;
import java.util.Optional;

/**
 * Which org and project an org, project, API key or budget belongs to. Admin objects that point at one (a
 * budget on a project, a rate limit on a key, an alert rule on a budget) take their owner from it, so a caller can only aim them at what
 * its own scope covers.
 */
public interface Ownership {

  /** The owner of the {@code org}, {@code project}, {@code key} or {@code budget} with this id; empty when there is none. */
  Optional<Owner> ownerOf(String kind, String id);

  /** @param orgId empty for the master key's own objects */
  record Owner(Optional<String> orgId, Optional<String> projectId) {}

  /** The owner, when the caller's scope covers it; otherwise 404, exactly like an id that does not exist. */
  default Owner require(AdminScope caller, String kind, String id) {
    return ownerOf(kind, id).filter(o -> caller.covers(o.orgId(), o.projectId()))
        .orElseThrow(() -> new NotFoundException(kind, id));
  }
}
