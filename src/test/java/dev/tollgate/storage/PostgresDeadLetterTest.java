package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig.UsageConfig;
import dev.tollgate.testing.RequiresPostgres;
import dev.tollgate.usage.TestRecords;
import dev.tollgate.usage.UsageRecord;
import dev.tollgate.usage.UsageWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL refuses a NUL character in text, and a caller controls the {@code user} field. Such a row must
 * not stall the ledger behind it: the writer sets it aside in the dead-letter file and stores the rest.
 */
@RequiresPostgres
class PostgresDeadLetterTest {
  @TempDir
  Path tmp;

  @Test
  void aNulInAUserId_isSetAside_andTheLedgerGoesOn() throws Exception {
    try (PostgresStores pg = new PostgresStores()) {
      PostgresUsageStore store = new PostgresUsageStore(pg.db);
      UsageConfig config = new UsageConfig(4_096, 512, Duration.ofMillis(20)).withFsyncInterval(Duration.ofMillis(10));
      Path journal = tmp.resolve("journal");
      try (UsageWriter writer = new UsageWriter(store, config, journal).start()) {
        IntStream.range(0, 100).forEach(i -> {
          UsageRecord r = TestRecords.plain("pg", i);
          writer.record(i != 42 ? r : new UsageRecord(r.requestId(), 1, r.startedAt(), r.firstTokenAt(), r.endedAt(), r.keyId(),
              Optional.of("evil\u0000user"), r.tags(), r.provider(), r.modelRequested(), r.modelServed(), r.endpoint(),
              r.stream(), r.usage(), r.costNanos(), r.status(), r.errorClass(), r.flags()));
        });
        assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(store.count()).isEqualTo(99);
        assertThat(writer.stats().deadLettered()).isEqualTo(1);
        List<String> lines = Files.readAllLines(journal.resolve(UsageWriter.DEAD_LETTER_FILE));
        assertThat(lines).singleElement().satisfies(l -> assertThat(l).contains("\"request_id\":\"pg-42\"").contains("\\u0000"));
      } finally {
        store.close();
      }
    }
  }
}
