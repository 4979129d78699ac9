package dev.tollgate.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.common.Json;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.usage.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaffeineResponseCacheTest {
  private final MutableClock clock = new MutableClock();

  private static CachedResponse response(int bytes) {
    return new CachedResponse(new byte[bytes], List.of(), TokenUsage.of(10, 5), "mock", "m", "m", "m/default");
  }

  @Test
  void entriesExpireAfterTheTtl_byTheInjectedClock() {
    CaffeineResponseCache cache = new CaffeineResponseCache(CacheConfig.enabledFor(Duration.ofMinutes(10)), clock);
    cache.put("k", response(10));
    assertThat(cache.get("k").result()).isPresent();
    clock.advance(Duration.ofMinutes(9));
    assertThat(cache.get("k").result()).isPresent();
    clock.advance(Duration.ofMinutes(1));
    assertThat(cache.get("k").result()).isEmpty();
  }

  @Test
  void theCacheIsBoundedByBytes_andOversizedAnswersAreNotKept() {
    CacheConfig config = new CacheConfig(true, Duration.ofHours(1), 10_000, 2_000, Set.of(), Set.of());
    CaffeineResponseCache cache = new CaffeineResponseCache(config, clock);
    cache.put("huge", response(5_000));
    assertThat(cache.get("huge").result()).isEmpty();
    for (int i = 0; i < 50; i++) {
      cache.put("k" + i, response(1_000));
    }
    assertThat(cache.size()).isLessThanOrEqualTo(10);
  }

  @Test
  void keys_ignoreFieldOrderAndUser_butNotTheTenantTheStreamFlagOrTheParameters() {
    ObjectNode a = (ObjectNode) Json.parseObject("{\"model\":\"m\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"user\":\"u1\"}".getBytes());
    ObjectNode b = (ObjectNode) Json.parseObject("{\"messages\":[{\"content\":\"Hi\",\"role\":\"user\"}],\"user\":\"u2\",\"temperature\":0,\"model\":\"m\"}".getBytes());
    ObjectNode c = (ObjectNode) Json.parseObject("{\"model\":\"m\",\"temperature\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}".getBytes());
    String ka = CacheKey.of("chat", Optional.empty(), false, a);
    assertThat(CacheKey.of("chat", Optional.empty(), false, b)).isEqualTo(ka);
    assertThat(CacheKey.of("chat", Optional.empty(), false, c)).isNotEqualTo(ka);
    assertThat(CacheKey.of("chat", Optional.of("org-1"), false, a)).isNotEqualTo(ka);
    assertThat(CacheKey.of("chat", Optional.empty(), true, a)).isNotEqualTo(ka);
    assertThat(CacheKey.of("messages", Optional.empty(), false, a)).isNotEqualTo(ka);
  }
}
