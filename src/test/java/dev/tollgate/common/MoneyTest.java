package dev.tollgate.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {
  @ParameterizedTest
  @ValueSource(longs = {0, 1, 9, 10, 577_500, 999_999_999, 1_000_000_000, 1_000_000_001, 123_456_789_012L, -1, -577_500, Long.MAX_VALUE})
  void usd_matchesBigDecimalWithNineDecimals(long nanos) {
    assertThat(Money.usd(nanos)).isEqualTo(new BigDecimal(nanos).movePointLeft(9).setScale(9).toPlainString());
    assertThat(Money.toUsd(nanos).movePointRight(9).longValueExact()).isEqualTo(nanos);
  }
}
