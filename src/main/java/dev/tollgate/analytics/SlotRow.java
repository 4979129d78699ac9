package dev.tollgate.analytics;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Spend in one UTC slot (a minute, 15 minutes or an hour) for one group ({@code ""} when not grouped): what
 * time series and forecasts are built from. Slots are aligned to the epoch, so they fold exactly into the
 * buckets of any time zone whose offset is a multiple of the slot.
 *
 * @param inputTokens every input class (text, cache read and write, audio, image)
 * @param outputTokens text and audio output (reasoning included)
 */
public record SlotRow(Instant slot, String group, long costNanos, long requests, long errors, long inputTokens,
                      long outputTokens) {
  public SlotRow {
    requireNonNull(slot, "slot");
    requireNonNull(group, "group");
  }
}
