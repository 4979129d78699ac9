package dev.tollgate.routing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator changes to configured deployments (enabled, weight), written through to the store so that they
 * outlive a restart and reach every replica. A deployment back at its configuration has no stored override, so
 * a later change of the YAML's weight takes effect. Every method blocks: call it off the event loop.
 */
public final class DeploymentOverrides {
  private static final Logger log = LoggerFactory.getLogger(DeploymentOverrides.class);

  private final DeploymentOverrideStore store;
  private final Deployments deployments;
  private final Clock clock;
  private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();

  public DeploymentOverrides(DeploymentOverrideStore store, Deployments deployments, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.deployments = requireNonNull(deployments, "deployments");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Called with the qualified deployment id after each change made here (cluster mode tells the other replicas). */
  public void onChange(Consumer<String> listener) {
    changeListeners.add(requireNonNull(listener, "listener"));
  }

  /**
   * Puts every configured deployment in its stored state, or back to its configuration when nothing is stored: at
   * start, and when another replica changed one. A deployment's breaker is reset only if this enables it.
   */
  public synchronized void reload() {
    Map<String, DeploymentOverrideStore.StoredOverride> stored = new HashMap<>();
    for (DeploymentOverrideStore.StoredOverride o : store.all()) {
      if (deployments.find(o.model(), o.id()).isPresent()) {
        stored.put(o.model() + "/" + o.id(), o);
      } else {
        log.info("deployment override of {}/{} ignored: the configuration has no such deployment", o.model(), o.id());
      }
    }
    for (Deployment d : deployments.configured()) {
      DeploymentOverrideStore.StoredOverride o = stored.get(d.model() + "/" + d.id());
      boolean enabled = o == null || o.enabled();
      int weight = o == null ? d.target().weight() : o.weight();
      if (d.weight() != weight) {
        d.weight(weight);
      }
      if (d.enabled() != enabled) {
        d.enabled(enabled);
      }
    }
  }

  /**
   * Changes a configured deployment, stores the result, and tells the listeners. An explicit {@code enabled: true}
   * resets the breaker even when the deployment was already enabled: the operator says it is healthy again.
   */
  public synchronized void change(Deployment d, Optional<Boolean> enabled, OptionalInt weight) {
    boolean newEnabled = enabled.orElse(d.enabled());
    int newWeight = weight.orElse(d.weight());
    if (newEnabled && newWeight == d.target().weight()) {
      store.remove(d.model(), d.id());
    } else {
      store.put(new DeploymentOverrideStore.StoredOverride(d.model(), d.id(), newEnabled, newWeight, clock.instant()));
    }
    weight.ifPresent(d::weight);
    enabled.ifPresent(d::enabled);
    changeListeners.forEach(l -> l.accept(d.qualifiedId()));
  }
}
