package dev.tollgate.analytics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

/**
 * The local buckets covering {@code [from, to)} in a time zone, and how UTC slots fold into them. The store
 * aggregates per UTC slot (an hour when every offset of the zone in the range is a whole number of hours,
 * else 15 minutes, or a minute for minute buckets), so no per-row time-zone arithmetic happens in the
 * database and DST changes fall out of {@link java.time}.
 */
public final class TimeBuckets {
  private final List<Instant> starts;
  private final Instant to;
  private final Duration slot;

  private TimeBuckets(List<Instant> starts, Instant to, Duration slot) {
    this.starts = starts;
    this.to = to;
    this.slot = slot;
  }

  /** Refuses (400) a range of more than {@code max} buckets. */
  public static TimeBuckets of(Instant from, Instant to, Bucket bucket, ZoneId zone, int max) {
    List<Instant> starts = new ArrayList<>();
    LocalDateTime cur = bucket.truncate(LocalDateTime.ofInstant(from, zone));
    // Minutes and hours step in instant time, so the repeated hour when clocks go back is its own bucket;
    // days, weeks and months step in local time (a local day may last 23 or 25 hours).
    Duration fixed = bucket == Bucket.MINUTE ? Duration.ofMinutes(1) : bucket == Bucket.HOUR ? Duration.ofHours(1) : null;
    Instant s = cur.atZone(zone).toInstant();
    Instant last = Instant.MIN;
    while (s.isBefore(to) || starts.isEmpty()) {
      if (s.isAfter(last)) { // a DST gap can map two local starts onto one instant
        starts.add(s);
        last = s;
      }
      if (starts.size() > max) {
        throw new dev.tollgate.common.InvalidRequestException("bucket", "bucket: '" + bucket.param() + "' gives more than "
            + max + " buckets from " + from + " to " + to + " (expected: a larger bucket or a shorter range)", "too_many_buckets");
      }
      if (fixed != null) {
        s = s.plus(fixed);
      } else {
        cur = bucket.next(cur);
        s = cur.atZone(zone).toInstant();
      }
    }
    return new TimeBuckets(List.copyOf(starts), to, slotFor(bucket, zone, from, to));
  }

  /** A slot that never straddles a local bucket boundary in this zone and range. */
  static Duration slotFor(Bucket bucket, ZoneId zone, Instant from, Instant to) {
    if (bucket == Bucket.MINUTE) {
      return Duration.ofMinutes(1);
    }
    ZoneRules rules = zone.getRules();
    List<Integer> offsets = new ArrayList<>();
    offsets.add(rules.getOffset(from).getTotalSeconds());
    ZoneOffsetTransition t = rules.nextTransition(from);
    while (t != null && t.getInstant().isBefore(to)) {
      offsets.add(t.getOffsetAfter().getTotalSeconds());
      t = rules.nextTransition(t.getInstant());
    }
    if (offsets.stream().allMatch(o -> o % 3600 == 0)) {
      return Duration.ofHours(1);
    }
    if (offsets.stream().allMatch(o -> o % 900 == 0)) {
      return Duration.ofMinutes(15);
    }
    return Duration.ofMinutes(1);
  }

  public List<Instant> starts() {
    return starts;
  }

  public Duration slot() {
    return slot;
  }

  /** The end of bucket {@code i} (the next start, or the range's end for the last one). */
  public Instant end(int i) {
    return i + 1 < starts.size() ? starts.get(i + 1) : to;
  }

  /** The bucket index of a slot start, or -1 outside the range. */
  public int indexOf(Instant slotStart) {
    int i = java.util.Collections.binarySearch(starts, slotStart);
    if (i >= 0) {
      return i;
    }
    int insertion = -i - 1;
    return insertion == 0 || !slotStart.isBefore(to) ? -1 : insertion - 1;
  }

  public int size() {
    return starts.size();
  }

}
