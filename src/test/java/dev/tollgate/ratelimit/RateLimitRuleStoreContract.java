package dev.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What every {@link RateLimitRuleStore} backend must do. A backend's test extends this with an empty store per test. */
public abstract class RateLimitRuleStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  protected abstract RateLimitRuleStore store();

  @Test
  void insertFindDelete_roundTripsEveryField() {
    RateLimitRule key = new RateLimitRule("rl_1", RateLimitRule.Scope.KEY, "key_1", OptionalLong.of(60), OptionalLong.of(100_000),
        Optional.of("org_1"), Optional.of("proj_1"), T0);
    RateLimitRule model = new RateLimitRule("rl_2", RateLimitRule.Scope.MODEL, "*", OptionalLong.empty(), OptionalLong.of(5),
        Optional.empty(), Optional.empty(), T0.plusSeconds(1));

    store().insert(key);
    store().insert(model);

    assertThat(store().find("rl_1")).contains(key);
    assertThat(store().find("rl_2")).contains(model);
    assertThat(store().find("rl_none")).isEmpty();
    assertThat(store().delete("rl_1")).isTrue();
    assertThat(store().delete("rl_1")).as("already gone").isFalse();
    assertThat(store().find("rl_1")).isEmpty();
    assertThat(store().all()).containsExactly(model);
  }

  @Test
  void all_listsRulesInCreationOrder() {
    RateLimitRule later = new RateLimitRule("rl_a", RateLimitRule.Scope.PROJECT, "proj_1", OptionalLong.of(10), OptionalLong.empty(),
        Optional.of("org_1"), Optional.of("proj_1"), T0.plusSeconds(10));
    RateLimitRule earlier = new RateLimitRule("rl_b", RateLimitRule.Scope.KEY, "key_9", OptionalLong.of(1), OptionalLong.empty(),
        Optional.of("org_2"), Optional.of("proj_2"), T0);

    store().insert(later);
    store().insert(earlier);

    assertThat(store().all()).containsExactly(earlier, later);
  }
}
