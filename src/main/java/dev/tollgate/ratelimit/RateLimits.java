package dev.tollgate.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.tollgate.common.RateLimitedException;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rate-limit rules (kept in memory, written through to the store) and the check the admission stage runs:
 * every matching rule's RPM and TPM counters, all or nothing, and the {@code x-ratelimit-*} headers of the
 * tightest one.
 */
public final class RateLimits {
  private final RateLimitRuleStore store;
  private final RateLimitCounters counters;
  private volatile List<RateLimitRule> rules;
  private final List<java.util.function.Consumer<String>> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public RateLimits(RateLimitRuleStore store, RateLimitCounters counters) {
    this.store = requireNonNull(store, "store");
    this.counters = requireNonNull(counters, "counters");
    this.rules = List.copyOf(store.all());
  }

  /** Blocking (store write): call from a worker thread. */
  public synchronized void add(RateLimitRule rule) {
    store.insert(rule);
    List<RateLimitRule> next = new ArrayList<>(rules);
    next.add(rule);
    rules = List.copyOf(next);
    changeListeners.forEach(l -> l.accept(rule.id()));
  }

  /** Blocking (store write): call from a worker thread. */
  public synchronized boolean remove(String id) {
    boolean removed = store.delete(id);
    rules = rules.stream().filter(r -> !r.id().equals(id)).toList();
    if (removed) {
      changeListeners.forEach(l -> l.accept(id));
    }
    return removed;
  }

  /**
   * Calls {@code listener} with the id of every rule this instance adds or removes, after the store has it:
   * how other replicas learn of the change (cluster mode publishes it through Redis).
   */
  public void onChange(java.util.function.Consumer<String> listener) {
    changeListeners.add(requireNonNull(listener, "listener"));
  }

  /** Re-reads every rule from the store (another replica changed one). Blocking: off the event loop. */
  public synchronized void reload() {
    rules = List.copyOf(store.all());
  }

  public Optional<RateLimitRule> find(String id) {
    return rules.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  public List<RateLimitRule> all() {
    return rules.stream().sorted(Comparator.comparing(RateLimitRule::createdAt).thenComparing(RateLimitRule::id)).toList();
  }

  /** One counter a request was charged to. */
  record Taken(String key, long cost, long limit, String kind) {}

  /**
   * What the admission stage got: the counters it took (to give tokens back or correct them later) and the
   * response headers.
   */
  public record Grant(List<Taken> taken, Map<String, String> headers) {
    public static final Grant NONE = new Grant(List.of(), Map.of());

    /** Whether any TPM counter was taken (so real usage must correct it). */
    public boolean countsTokens() {
      return taken.stream().anyMatch(t -> t.kind().equals("tokens"));
    }

    /**
     * The headers as they stand once this grant is given back: what a request refused after the rate limits
     * (by a budget) reports, so its remaining counts are not one request (and its tokens) lower than the state.
     */
    public Map<String, String> headersGivenBack() {
      Map<String, String> h = new LinkedHashMap<>(headers);
      for (String kind : List.of("requests", "tokens")) {
        String remaining = h.get("x-ratelimit-remaining-" + kind);
        String limit = h.get("x-ratelimit-limit-" + kind);
        if (remaining == null || limit == null) {
          continue;
        }
        // every counter of a kind took the same cost, so the tightest one is still the tightest
        long cost = taken.stream().filter(t -> t.kind().equals(kind)).mapToLong(Taken::cost).max().orElse(0);
        h.put("x-ratelimit-remaining-" + kind, Long.toString(Math.min(Long.parseLong(limit), Long.parseLong(remaining) + cost)));
      }
      return h;
    }
  }

  /**
   * Takes one request and {@code tokens} tokens from every matching rule. When one refuses, what the
   * others took is given back and the future fails with a 429 carrying the refusing limit's headers.
   */
  public Future<Grant> acquire(String keyId, Optional<String> org, Optional<String> project, String model, long tokens, Instant now) {
    return acquire(keyId, java.util.OptionalLong.empty(), java.util.OptionalLong.empty(), org, project, model, tokens, now);
  }

  /**
   * As above, plus the key's own RPM/TPM limits ({@code ApiKey.rpmLimit/tpmLimit}, set when the key is
   * created or changed): an implicit rule on that key, counted like any other.
   */
  public Future<Grant> acquire(String keyId, java.util.OptionalLong keyRpm, java.util.OptionalLong keyTpm, Optional<String> org,
                               Optional<String> project, String model, long tokens, Instant now) {
    List<Taken> wanted = new ArrayList<>();
    keyRpm.ifPresent(l -> wanted.add(new Taken("rl:key-own:requests:" + keyId, 1, l, "requests")));
    keyTpm.ifPresent(l -> wanted.add(new Taken("rl:key-own:tokens:" + keyId, tokens, l, "tokens")));
    for (RateLimitRule r : rules) {
      if (!r.matches(keyId, org, project, model)) {
        continue;
      }
      r.rpm().ifPresent(l -> wanted.add(new Taken(r.counterKey("requests", model), 1, l, "requests")));
      r.tpm().ifPresent(l -> wanted.add(new Taken(r.counterKey("tokens", model), tokens, l, "tokens")));
    }
    if (wanted.isEmpty()) {
      return Future.succeededFuture(Grant.NONE);
    }
    return take(wanted, 0, new ArrayList<>(), new LinkedHashMap<>(), now);
  }

  /** The counters every rule takes from (also the login throttle's). */
  public RateLimitCounters counters() {
    return counters;
  }

  /**
   * Whether a tokens-per-minute limit applies to this request (the key's own or a rule's): only then does
   * admission need the request's token count, which costs more than the rest of a small request's admission.
   */
  public boolean countsTokens(String keyId, java.util.OptionalLong keyTpm, Optional<String> org, Optional<String> project,
                              String model) {
    if (keyTpm.isPresent()) {
      return true;
    }
    for (RateLimitRule r : rules) {
      if (r.tpm().isPresent() && r.matches(keyId, org, project, model)) {
        return true;
      }
    }
    return false;
  }

  private Future<Grant> take(List<Taken> wanted, int i, List<Taken> taken, Map<String, RateLimitCounters.Result> tightest,
                             Instant now) {
    if (i == wanted.size()) {
      return Future.succeededFuture(new Grant(List.copyOf(taken), headers(tightest)));
    }
    Taken t = wanted.get(i);
    return counters.acquire(t.key(), t.cost(), t.limit(), now).compose(res -> {
      if (!res.allowed()) {
        return giveBack(taken, now).compose(v -> {
          Map<String, RateLimitCounters.Result> only = new LinkedHashMap<>(tightest);
          only.merge(t.kind(), res, RateLimits::tighter);
          String what = t.kind().equals("requests") ? "requests per minute" : "tokens per minute";
          String msg = t.cost() > t.limit()
              ? "rate limit: this request needs " + t.cost() + " tokens, more than the limit of " + t.limit() + " " + what
              : "rate limit reached: " + t.limit() + " " + what + "; retry after " + seconds(res.retryAfter()) + "s";
          return Future.failedFuture(new RateLimitedException("rate_limit_exceeded", msg, res.retryAfter(), headers(only)));
        });
      }
      taken.add(t);
      tightest.merge(t.kind(), res, RateLimits::tighter);
      return take(wanted, i + 1, taken, tightest, now);
    });
  }

  /** Gives back what a request took (when a budget refused it). */
  public Future<Void> giveBack(Grant grant, Instant now) {
    return giveBack(grant.taken(), now);
  }

  private Future<Void> giveBack(List<Taken> taken, Instant now) {
    Future<Void> f = Future.succeededFuture();
    for (Taken t : taken) {
      f = f.compose(v -> counters.adjust(t.key(), -t.cost(), t.limit(), now));
    }
    return f;
  }

  /** Corrects the TPM counters by the difference between real and estimated tokens. */
  public Future<Void> correctTokens(Grant grant, long realTokens, Instant now) {
    Future<Void> f = Future.succeededFuture();
    for (Taken t : grant.taken()) {
      if (t.kind().equals("tokens") && realTokens != t.cost()) {
        f = f.compose(v -> counters.adjust(t.key(), realTokens - t.cost(), t.limit(), now));
      }
    }
    return f;
  }

  private static RateLimitCounters.Result tighter(RateLimitCounters.Result a, RateLimitCounters.Result b) {
    return b.remaining() < a.remaining() ? b : a;
  }

  private static Map<String, String> headers(Map<String, RateLimitCounters.Result> tightest) {
    Map<String, String> h = new LinkedHashMap<>();
    tightest.forEach((kind, r) -> {
      h.put("x-ratelimit-limit-" + kind, Long.toString(r.limit()));
      h.put("x-ratelimit-remaining-" + kind, Long.toString(r.remaining()));
      h.put("x-ratelimit-reset-" + kind, seconds(r.resetAfter()) + "s");
    });
    return h;
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 == 0) {
      return Long.toString(ms / 1000);
    }
    return java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
  }

}
