package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir
  Path dir;

  /** The ledger's cost per row depends on it (Database.CHECKPOINT_THRESHOLD, bench/LEDGER.md). */
  @Test
  void open_raisesTheCheckpointThresholdFromDuckDbsDefault() throws SQLException {
    try (Database db = Database.open(StoreConfig.duckDbFile(dir.resolve("t.duckdb")).url());
        Connection c = db.connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('checkpoint_threshold')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("64.0 MiB");
    }
  }
}
