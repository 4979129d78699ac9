package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JdbcTest {
  @Test
  void microsTruncateLikeChronoUnitAndRoundTrip() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(4_102_444_800L), random.nextInt(1_000_000_000)); // 1970..2100
      long micros = Jdbc.micros(t);
      assertThat(micros).isEqualTo(ChronoUnit.MICROS.between(Instant.EPOCH, t));
      assertThat(Jdbc.fromMicros(micros)).isEqualTo(t.truncatedTo(ChronoUnit.MICROS));
    }
    assertThat(Jdbc.micros(Instant.EPOCH)).isZero();
    assertThat(Jdbc.micros(Instant.parse("2026-11-22T19:00:00.123456789Z"))).isEqualTo(1_795_374_000_123_456L);
  }
}
