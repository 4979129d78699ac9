package dev.tollgate.alerts;

import java.util.List;
import java.util.Optional;

/** Alert rules, fired alerts and their delivery log. Implementations live in {@code dev.tollgate.storage}. */
public interface AlertStore {
  void insertRule(AlertRule rule);

  boolean deleteRule(String id);

  List<AlertRule> rules();

  /** Stores the event unless one with the same dedup key exists; true when it was new. */
  boolean insertEventIfNew(AlertEvent event);

  /** Newest first, narrowed to an org (and project) when given. */
  List<AlertEvent> events(Optional<String> orgId, Optional<String> projectId, int limit);

  Optional<AlertEvent> event(String id);

  void insertDelivery(Delivery delivery);

  /** Oldest first. */
  List<Delivery> deliveries(String eventId);
}
