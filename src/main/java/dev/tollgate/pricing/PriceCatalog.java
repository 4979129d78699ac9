package dev.tollgate.pricing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The price catalog: for every model, a list of price versions with their {@code effective_from}. A
 * lookup at instant T uses the latest version whose {@code effective_from <= T}. Immutable: overrides and
 * newer snapshots make a new catalog ({@link #withOverride}, {@link #withSnapshot}), which
 * {@link LivePriceCatalog} swaps in atomically; a record priced earlier keeps its
 * {@link PriceVersion#id()}, which {@link #version(String)} resolves for as long as the catalog lives.
 *
 * <p>Model lookup accepts the names callers and providers actually use: the exact key, the provider's
 * prefix ({@code azure/gpt-4o}, {@code gemini/gemini-2.5-pro}), a provider prefix on the model
 * ({@code anthropic/claude-sonnet-4-5}, {@code bedrock/anthropic.claude-...}), any letter case, and
 * {@code 4.5}/{@code 4-5} or {@code @date}/{@code -date} spellings. It never guesses: a tolerant match
 * must be equal after {@link ProviderFamily#normalise normalisation} and unique, and the entry must
 * belong to the requested provider (see {@link ProviderFamily}). No prefix or date suffix is dropped,
 * so {@code gpt-4o-2099-01-01} is unknown rather than priced as {@code gpt-4o}.
 */
public final class PriceCatalog {
  /** The LiteLLM snapshot shipped as {@code /pricing/litellm_model_prices.json}. */
  public static final LocalDate BUNDLED_SNAPSHOT_DATE = LocalDate.of(2026, 7, 24);
  public static final String BUNDLED_SOURCE = "litellm-" + BUNDLED_SNAPSHOT_DATE;
  static final String BUNDLED_RESOURCE = "/pricing/litellm_model_prices.json";
  private static final int RESOLVE_CACHE_LIMIT = 10_000;

  private static volatile PriceCatalog bundled;

  /** All versions of one key, ascending by effective_from (ties: later added wins). */
  private record History(String key, String provider, List<PricedModel> versions) {
    Optional<PricedModel> at(Instant at) {
      for (int i = versions.size() - 1; i >= 0; i--) {
        PricedModel m = versions.get(i);
        if (!m.version().effectiveFrom().isAfter(at)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }

    History with(PricedModel m) {
      List<PricedModel> list = new ArrayList<>(versions);
      int i = list.size();
      while (i > 0 && list.get(i - 1).version().effectiveFrom().isAfter(m.version().effectiveFrom())) {
        i--;
      }
      list.add(i, m);
      return new History(key, provider, List.copyOf(list));
    }
  }

  private final Map<String, History> byKey;
  private final Map<String, List<String>> byLowerCase;
  private final Map<String, List<String>> byNormalForm;
  private final Map<String, PricedModel> byVersionId;
  private final Set<String> providers;
  private final List<LoadReport> reports;
  private final ConcurrentHashMap<String, Optional<String>> resolved = new ConcurrentHashMap<>();

  private PriceCatalog(Map<String, History> byKey, Map<String, PricedModel> byVersionId, List<LoadReport> reports) {
    this.byKey = byKey;
    this.byVersionId = byVersionId;
    this.reports = List.copyOf(reports);
    Map<String, List<String>> lower = new HashMap<>();
    Map<String, List<String>> normal = new HashMap<>();
    Set<String> provs = new HashSet<>();
    for (History h : byKey.values()) {
      lower.computeIfAbsent(h.key().toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>(1)).add(h.key());
      normal.computeIfAbsent(ProviderFamily.normalise(h.key()), k -> new ArrayList<>(1)).add(h.key());
      provs.add(ProviderFamily.canonical(h.provider()));
    }
    this.byLowerCase = lower;
    this.byNormalForm = normal;
    this.providers = provs;
  }

  public static PriceCatalog empty() {
    return new PriceCatalog(Map.of(), Map.of(), List.of());
  }

  /**
   * The shipped LiteLLM snapshot. Its prices are effective from the epoch: it is the first price data
   * Tollgate has, so records older than the snapshot date are priced with it rather than left unpriced.
   * Parsed once and shared (the catalog is immutable).
   */
  public static PriceCatalog bundled() {
    PriceCatalog c = bundled;
    if (c == null) {
      synchronized (PriceCatalog.class) {
        c = bundled;
        if (c == null) {
          try (InputStream in = PriceCatalog.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
              throw new IllegalStateException("missing resource " + BUNDLED_RESOURCE);
            }
            c = empty().withSnapshot(in, BUNDLED_SOURCE, Instant.EPOCH);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          bundled = c;
        }
      }
    }
    return c;
  }

  /** Reads a LiteLLM-format JSON document (a newer snapshot, a private price list) into a new catalog. */
  public PriceCatalog withSnapshot(InputStream liteLlmJson, String source, Instant effectiveFrom) {
    LiteLlmParser.Result r = LiteLlmParser.parse(liteLlmJson, source, effectiveFrom);
    Map<String, History> keys = new HashMap<>(byKey);
    Map<String, PricedModel> versions = new HashMap<>(byVersionId);
    for (PricedModel m : r.models()) {
      History h = keys.get(m.key());
      keys.put(m.key(), h == null ? new History(m.key(), m.provider(), List.of(m)) : h.with(m));
      versions.put(m.version().id(), m);
    }
    List<LoadReport> reps = new ArrayList<>(reports);
    reps.add(r.report());
    return new PriceCatalog(keys, versions, reps);
  }

  /**
   * A new catalog in which {@code override} applies from its effective_from on. It attaches to the entry
   * its (provider, model) resolves to, or becomes a new entry if the model is unknown.
   *
   * @throws IllegalArgumentException if its explicit id is already used by different prices
   */
  public PriceCatalog withOverride(PriceOverride override) {
    return withOverrides(List.of(override));
  }

  public PriceCatalog withOverrides(Collection<PriceOverride> overrides) {
    Map<String, History> keys = new HashMap<>(byKey);
    Map<String, PricedModel> versions = new HashMap<>(byVersionId);
    PriceCatalog current = this;
    for (PriceOverride o : overrides) {
      String key = current.resolveKey(o.provider(), o.model())
          .orElseGet(() -> ProviderFamily.of(o.provider()).newKey(o.model()));
      History h = keys.get(key);
      PricedModel latest = h == null ? null : h.versions().getLast();
      String provider = h != null ? h.provider() : ProviderFamily.of(o.provider()).defaultLiteLlmProvider(o.provider());
      PricedModel m = o.toModel(key, provider, latest == null ? "chat" : latest.mode(),
          latest == null ? Optional.empty() : latest.maxInputTokens());
      PricedModel existing = versions.get(m.version().id());
      if (existing != null) {
        if (existing.tiers().equals(m.tiers()) && existing.key().equals(key)) {
          continue; // the same override again: idempotent
        }
        throw new IllegalArgumentException("price version id '" + m.version().id() + "' is already used by other prices (expected: a new id)");
      }
      keys.put(key, h == null ? new History(key, provider, List.of(m)) : h.with(m));
      versions.put(m.version().id(), m);
      current = new PriceCatalog(keys, versions, reports);
      keys = new HashMap<>(keys);
      versions = new HashMap<>(versions);
    }
    return current;
  }

  /**
   * The prices of {@code model} as served by {@code provider}, in effect at {@code at}.
   *
   * @param provider a Tollgate provider name ({@code openai}, {@code azure}, {@code anthropic},
   *     {@code gemini}, {@code vertex_ai}, {@code bedrock}, any LiteLLM provider), or {@code ""} when unknown
   * @param at when the usage happened (the request's start)
   */
  public Optional<PricedModel> lookup(String provider, String model, Instant at) {
    requireNonNull(at, "at");
    return resolveKey(provider, model).flatMap(k -> byKey.get(k).at(at));
  }

  /** The catalog key a (provider, model) pair resolves to, whatever the time. */
  public Optional<String> resolveKey(String provider, String model) {
    requireNonNull(provider, "provider");
    requireNonNull(model, "model");
    String cacheKey = provider + '\u0000' + model;
    Optional<String> hit = resolved.get(cacheKey);
    if (hit != null) {
      return hit;
    }
    Optional<String> key = resolve(provider, model);
    if (resolved.size() < RESOLVE_CACHE_LIMIT) {
      resolved.put(cacheKey, key);
    }
    return key;
  }

  private record Candidate(String name, ProviderFamily family) {}

  private Optional<String> resolve(String provider, String model) {
    String m = model.trim();
    if (m.isEmpty()) {
      return Optional.empty();
    }
    ProviderFamily family = ProviderFamily.of(provider);
    List<Candidate> candidates = new ArrayList<>();
    addCandidates(candidates, family, m);
    int slash = m.indexOf('/');
    if (slash > 0) {
      String segment = m.substring(0, slash);
      String rest = m.substring(slash + 1);
      if (!rest.isEmpty() && ProviderFamily.isAlias(segment, providers)) {
        ProviderFamily named = ProviderFamily.of(segment);
        if (family.any() || named.id().equals(family.id())) {
          addCandidates(candidates, named, rest);
        }
      }
    }
    for (Candidate c : candidates) {
      History h = byKey.get(c.name());
      if (h != null && c.family().accepts(h.provider())) {
        return Optional.of(h.key());
      }
    }
    for (Candidate c : candidates) {
      Optional<String> k = unique(byLowerCase.get(c.name().toLowerCase(java.util.Locale.ROOT)), c.family());
      if (k.isPresent()) {
        return k;
      }
    }
    for (Candidate c : candidates) {
      Optional<String> k = unique(byNormalForm.get(ProviderFamily.normalise(c.name())), c.family());
      if (k.isPresent()) {
        return k;
      }
    }
    return Optional.empty();
  }

  private static void addCandidates(List<Candidate> out, ProviderFamily family, String model) {
    for (String prefix : family.keyPrefixes()) {
      out.add(new Candidate(prefix + model, family));
    }
    // Google's APIs name models "models/gemini-2.5-pro".
    if (model.startsWith("models/") && (family.any() || family.id().equals("gemini") || family.id().equals("vertex_ai"))) {
      addCandidates(out, family, model.substring("models/".length()));
    }
  }

  /** The one key among {@code keys} whose provider the family accepts; empty if none or ambiguous. */
  private Optional<String> unique(List<String> keys, ProviderFamily family) {
    if (keys == null) {
      return Optional.empty();
    }
    String found = null;
    for (String k : keys) {
      if (family.accepts(byKey.get(k).provider())) {
        if (found != null) {
          return Optional.empty();
        }
        found = k;
      }
    }
    return Optional.ofNullable(found);
  }

  /** A price version by id: what a past record was charged with. */
  public Optional<PricedModel> version(String versionId) {
    return Optional.ofNullable(byVersionId.get(versionId));
  }

  /** Every version of a key, oldest effective_from first. */
  public List<PricedModel> history(String key) {
    History h = byKey.get(key);
    return h == null ? List.of() : h.versions();
  }

  /** Every model, in the version in effect at {@code at}. */
  public Stream<PricedModel> modelsAt(Instant at) {
    return byKey.values().stream().map(h -> h.at(at)).flatMap(Optional::stream);
  }

  /** The models of one provider family in effect at {@code at} (all models for the empty provider). */
  Stream<PricedModel> modelsAt(String provider, Instant at) {
    ProviderFamily family = ProviderFamily.of(provider);
    return byKey.values().stream().filter(h -> family.accepts(h.provider())).map(h -> h.at(at)).flatMap(Optional::stream);
  }

  public Set<String> keys() {
    return java.util.Collections.unmodifiableSet(new TreeSet<>(byKey.keySet()));
  }

  public int size() {
    return byKey.size();
  }

  /** One report per snapshot loaded, oldest first. */
  public List<LoadReport> loadReports() {
    return reports;
  }

  /** The providers of the catalog's entries, as written in the data ({@code openai}, {@code vertex_ai-language-models} ...). */
  public Set<String> providers() {
    TreeSet<String> out = new TreeSet<>();
    byKey.values().forEach(h -> out.add(h.provider()));
    return java.util.Collections.unmodifiableSet(out);
  }

  /** {@code 2026-09-01} as the instant it starts in UTC. */
  static Instant startOfDay(LocalDate date) {
    return date.atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
