package dev.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.common.RateLimitedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  static final class MemoryRules implements RateLimitRuleStore {
    final List<RateLimitRule> rules = new ArrayList<>();

    @Override
    public void insert(RateLimitRule rule) {
      rules.add(rule);
    }

    @Override
    public boolean delete(String id) {
      return rules.removeIf(r -> r.id().equals(id));
    }

    @Override
    public Optional<RateLimitRule> find(String id) {
      return rules.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    @Override
    public List<RateLimitRule> all() {
      return List.copyOf(rules);
    }
  }

  private final RateLimits limits = new RateLimits(new MemoryRules(), new InMemoryRateLimitCounters());

  private static RateLimitRule rule(String id, RateLimitRule.Scope scope, String value, Long rpm, Long tpm, Optional<String> org) {
    return new RateLimitRule(id, scope, value, rpm == null ? OptionalLong.empty() : OptionalLong.of(rpm),
        tpm == null ? OptionalLong.empty() : OptionalLong.of(tpm), org, Optional.empty(), T0);
  }

  @Test
  void aRefusal_givesBackWhatTheOtherRulesTook() {
    limits.add(rule("rl_rpm", RateLimitRule.Scope.KEY, "k", 2L, null, Optional.empty()));
    limits.add(rule("rl_tpm", RateLimitRule.Scope.MODEL, "*", null, 100L, Optional.empty()));

    Throwable refused = limits.acquire("k", Optional.empty(), Optional.empty(), "m", 500, T0).cause();
    RateLimits.Grant first = limits.acquire("k", Optional.empty(), Optional.empty(), "m", 10, T0).result();
    RateLimits.Grant second = limits.acquire("k", Optional.empty(), Optional.empty(), "m", 10, T0).result();

    assertThat(refused).isInstanceOf(RateLimitedException.class);
    assertThat(((RateLimitedException) refused).code()).isEqualTo("rate_limit_exceeded");
    assertThat(first.headers()).containsEntry("x-ratelimit-remaining-requests", "1"); // the refused request took nothing
    assertThat(second.headers()).containsEntry("x-ratelimit-remaining-requests", "0").containsEntry("x-ratelimit-remaining-tokens", "80");
  }

  @Test
  void headersGivenBack_areTheStateAfterTheGiveBack() {
    limits.add(rule("rl_rpm", RateLimitRule.Scope.KEY, "k", 5L, 1_000L, Optional.empty()));

    RateLimits.Grant g = limits.acquire("k", Optional.empty(), Optional.empty(), "m", 300, T0).result();
    assertThat(g.headers()).containsEntry("x-ratelimit-remaining-requests", "4").containsEntry("x-ratelimit-remaining-tokens", "700");
    limits.giveBack(g, T0);

    assertThat(g.headersGivenBack()).containsEntry("x-ratelimit-remaining-requests", "5")
        .containsEntry("x-ratelimit-remaining-tokens", "1000").containsEntry("x-ratelimit-limit-requests", "5");
    RateLimits.Grant next = limits.acquire("k", Optional.empty(), Optional.empty(), "m", 0, T0).result();
    assertThat(next.headers()).as("the next request sees what the refused one reported, less its own take")
        .containsEntry("x-ratelimit-remaining-requests", "4").containsEntry("x-ratelimit-remaining-tokens", "1000");
  }

  @Test
  void correctTokens_givesBackWhatTheEstimateOvercounted() {
    limits.add(rule("rl_tpm", RateLimitRule.Scope.KEY, "k", null, 100L, Optional.empty()));

    RateLimits.Grant g = limits.acquire("k", Optional.empty(), Optional.empty(), "m", 90, T0).result();
    limits.correctTokens(g, 30, T0);

    assertThat(limits.acquire("k", Optional.empty(), Optional.empty(), "m", 70, T0).result().headers())
        .containsEntry("x-ratelimit-remaining-tokens", "0");
  }

  @Test
  void aTenantsRule_neverLimitsAnotherTenantsTraffic() {
    limits.add(rule("rl_org1", RateLimitRule.Scope.KEY, "k", 1L, null, Optional.of("org_1")));

    assertThat(limits.acquire("k", Optional.of("org_2"), Optional.empty(), "m", 1, T0).result()).isEqualTo(RateLimits.Grant.NONE);
    assertThat(limits.acquire("k", Optional.of("org_1"), Optional.empty(), "m", 1, T0).succeeded()).isTrue();
    assertThat(limits.acquire("k", Optional.of("org_1"), Optional.empty(), "m", 1, T0).failed()).isTrue();
  }
}
