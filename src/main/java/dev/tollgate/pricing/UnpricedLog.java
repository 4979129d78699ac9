package dev.tollgate.pricing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Warns once per (provider, model) that requests are going unpriced, with what to do about it. */
public final class UnpricedLog implements Consumer<UnpricedUsage> {
  private static final Logger log = LoggerFactory.getLogger(UnpricedLog.class);
  private static final int MAX_REMEMBERED = 10_000;

  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  @Override
  public void accept(UnpricedUsage e) {
    String id = e.provider() + "/" + e.model();
    if (warned.size() < MAX_REMEMBERED && warned.add(id)) {
      log.warn("model {} (provider {}) has no price: its usage is recorded with the UNPRICED flag; add a pricing "
          + "override (./tollgate pricing override FILE or pricing.overrides in the config). {}", e.model(), e.provider(), e.reason());
    }
  }
}
