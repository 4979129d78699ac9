-- Spend spikes found by the anomaly detector (analytics/AnomalyDetector): one row per dimension, value and window.
-- The primary key also keeps replicas whose detectors find the same spike to one row (ON CONFLICT DO NOTHING).
CREATE TABLE spend_anomalies (
  dimension       VARCHAR NOT NULL,   -- project, key or model
  value           VARCHAR NOT NULL,
  window_start    TIMESTAMPTZ NOT NULL,
  window_seconds  INTEGER NOT NULL,
  org_id          VARCHAR,
  project_id      VARCHAR,
  observed_nanos  BIGINT NOT NULL,
  baseline_nanos  BIGINT NOT NULL,
  score           VARCHAR NOT NULL,   -- exact decimal text
  detected_at     TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (dimension, value, window_start)
);
CREATE INDEX spend_anomalies_window ON spend_anomalies (window_start DESC);
