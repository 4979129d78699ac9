package dev.tollgate.usage;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Usage records for tests: plain ones by number, and one with every field set. */
public final class TestRecords {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456789Z");

  private TestRecords() {}

  /** A typical record: request {@code prefix-i}, attempt 1, a few tags, no optional fields. */
  public static UsageRecord plain(String prefix, int i) {
    Instant start = T0.plusMillis(i);
    return new UsageRecord(prefix + "-" + i, 1, start, Optional.empty(), start.plusMillis(40), "key_test", Optional.empty(),
        List.of("team:a"), "mock", "mock-small", "mock-small", "chat", false, TokenUsage.of(10 + i % 7, 20 + i % 11),
        1_234L * i, 200, Optional.empty(), Set.of());
  }

  /** Every optional present, every flag, unicode, nanosecond instants, large counts. */
  public static UsageRecord full() {
    Instant start = Instant.parse("1969-12-31T23:59:59.999999999Z"); // before the epoch: negative seconds
    return new UsageRecord("req-ünïcødé-日本-🚀", 3, start, Optional.of(start.plusNanos(1_500_000_001L)),
        start.plusSeconds(86_400 * 400L).plusNanos(7), "key_ключ", Optional.of("user@例え.jp"),
        List.of("team:café", "", "env:prod", "emoji:🧾"), "openai-compatible", "gpt-4o", "gpt-4o-2024-08-06", "messages",
        true, new TokenUsage(1, 2, 3, 4, 5, 6, Long.MAX_VALUE / 2, 7, 8), -42L, 499,
        Optional.of("client_closed — ошибка"), EnumSet.allOf(UsageFlag.class),
        Optional.of("litellm-2026-07-24:gpt-4o"),
        java.util.Map.of("input", new java.math.BigDecimal("0.0000025"), "output", new java.math.BigDecimal("12345.000000001"),
            "cache_read", new java.math.BigDecimal("0E-9")),
        Optional.of("org_ацме"), Optional.of("proj_🚀"), Optional.of("openai-eu/gpt-4o"), 987_654_321L);
  }
}
