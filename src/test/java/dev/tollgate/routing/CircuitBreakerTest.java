package dev.tollgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final MutableClock clock = new MutableClock();
  private final CircuitBreaker breaker = new CircuitBreaker(new BreakerConfig(3, Duration.ofSeconds(30), 1), clock);

  @Test
  void opensAfterThresholdConsecutiveFailures() {
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.available()).isFalse();
    assertThat(breaker.tryAcquire()).isFalse();
  }

  @Test
  void aSuccessInBetween_resetsTheCount() {
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void afterCooldown_halfOpenLetsOneProbeThrough_andItsSuccessCloses() {
    trip();
    clock.advance(Duration.ofSeconds(29));
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).as("only one probe at a time").isFalse();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aFailedProbe_opensAgainForAFullCooldown() {
    trip();
    clock.advance(Duration.ofSeconds(30));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    clock.advance(Duration.ofSeconds(29));
    assertThat(breaker.available()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.available()).isTrue();
  }

  @Test
  void aNeutralProbe_freesTheProbeSlot() {
    trip();
    clock.advance(Duration.ofSeconds(30));
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onNeutral();
    assertThat(breaker.tryAcquire()).isTrue();
  }

  private void trip() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure();
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
  }
}
