package dev.tollgate.common;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed, in-process events: alerts, webhooks, metrics and analytics subscribe instead of being called
 * inline from the request path. Publishing is synchronous on the publisher's thread (often an event
 * loop), so subscribers must be quick and must not block; one that throws is logged and skipped.
 */
public final class EventBus {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);

  private final Map<Class<?>, List<Consumer<Object>>> subscribers = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  public <T> void subscribe(Class<T> type, Consumer<? super T> subscriber) {
    subscribers.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(e -> subscriber.accept((T) e));
  }

  public void publish(Object event) {
    List<Consumer<Object>> list = subscribers.get(event.getClass());
    if (list == null) {
      return;
    }
    for (Consumer<Object> s : list) {
      try {
        s.accept(event);
      } catch (RuntimeException e) {
        log.error("event subscriber failed on {}: {}", event.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
