package dev.tollgate.analytics;

import dev.tollgate.usage.TokenUsage;
import dev.tollgate.usage.UsageFlag;
import dev.tollgate.usage.UsageRecord;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** Ledger rows with exactly the fields an analytics test cares about. */
final class Rows {
  private static final AtomicInteger IDS = new AtomicInteger();

  private String requestId;
  private int attempt = 1;
  private Instant at = Instant.parse("2026-11-10T12:00:00Z");
  private Optional<Long> ttftMillis = Optional.empty();
  private long latencyMillis = 100;
  private String org = "org_a";
  private Optional<String> project = Optional.of("proj_a1");
  private String key = "key_a";
  private Optional<String> user = Optional.empty();
  private List<String> tags = List.of();
  private String provider = "openai";
  private String model = "gpt-4o";
  private String served = null;
  private long cost = 1_000;
  private long saved = 0;
  private int status = 200;
  private Set<UsageFlag> flags = EnumSet.noneOf(UsageFlag.class);
  private TokenUsage tokens = TokenUsage.of(100, 10);

  static Rows row() {
    return new Rows();
  }

  Rows id(String id) { this.requestId = id; return this; }
  Rows attempt(int a) { this.attempt = a; return this; }
  Rows at(Instant t) { this.at = t; return this; }
  Rows at(String t) { this.at = Instant.parse(t); return this; }
  Rows ttft(long ms) { this.ttftMillis = Optional.of(ms); return this; }
  Rows latency(long ms) { this.latencyMillis = ms; return this; }
  Rows org(String o) { this.org = o; return this; }
  Rows project(String p) { this.project = Optional.of(p); return this; }
  Rows key(String k) { this.key = k; return this; }
  Rows user(String u) { this.user = Optional.of(u); return this; }
  Rows tags(String... t) { this.tags = List.of(t); return this; }
  Rows provider(String p) { this.provider = p; return this; }
  Rows model(String m) { this.model = m; return this; }
  Rows served(String m) { this.served = m; return this; }
  Rows cost(long nanos) { this.cost = nanos; return this; }
  Rows saved(long nanos) { this.saved = nanos; return this; }
  Rows status(int s) { this.status = s; return this; }
  Rows flags(UsageFlag... f) { this.flags = f.length == 0 ? EnumSet.noneOf(UsageFlag.class) : EnumSet.copyOf(List.of(f)); return this; }
  Rows tokens(long in, long out) { this.tokens = TokenUsage.of(in, out); return this; }
  Rows tokens(TokenUsage t) { this.tokens = t; return this; }

  UsageRecord build() {
    String id = requestId != null ? requestId : "req-" + IDS.incrementAndGet();
    return new UsageRecord(id, attempt, at, ttftMillis.map(at::plusMillis), at.plusMillis(latencyMillis), key, user, tags,
        provider, model, served == null ? model : served, "chat", ttftMillis.isPresent(), tokens, cost, status,
        status >= 400 ? Optional.of("error") : Optional.empty(), flags, Optional.empty(), Map.of(), Optional.of(org), project,
        Optional.empty(), saved);
  }
}
