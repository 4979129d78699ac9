package dev.tollgate.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The aggregate reads analytics needs from the ledger. Every method takes a {@link Slice}, which carries
 * the tenant scope. The contract is deliberately coarse so a backend can answer from rollups: both
 * backends ({@code storage/JdbcAnalyticsStore}) answer {@link #totals}, {@link #breakdown}, {@link #series} with
 * hourly slots, {@link #latency} (histogram bins) and whole-hour {@link #spendByWindow} from hourly/daily rollup
 * tables where those give the raw ledger's exact answer, and from the raw ledger otherwise.
 */
public interface AnalyticsStore {
  Totals totals(Slice slice);

  /** Just spend and requests: what a comparison with the previous period needs (two columns, not seventeen). */
  Spend spend(Slice slice);

  record Spend(long costNanos, long requests) {}

  /** Totals per value of {@code by}, every group (the caller folds the tail into "other"). */
  List<Group> breakdown(Slice slice, Dimension by);

  /**
   * Spend per UTC slot of {@code slot} length (aligned to the epoch; 1 min, 15 min or 1 h), optionally per
   * group of {@code by}. Slots without rows are absent.
   */
  List<SlotRow> series(Slice slice, Duration slot, Optional<Dimension> by);

  /** p50/p95/p99 latency and time to first token per served model. */
  List<ModelLatency> latency(Slice slice);

  /**
   * Spend of each project, key or model in each window {@code [start, start + length)}: what the anomaly
   * detector compares. Windows must not overlap.
   */
  List<WindowSpend> spendByWindow(Dimension by, List<Instant> windowStarts, Duration length);

  /**
   * @param window index into the window starts
   * @param orgId the group's org (for model: empty)
   * @param projectId the group's project (for key and project)
   */
  record WindowSpend(int window, String value, Optional<String> orgId, Optional<String> projectId, long costNanos) {}
}
