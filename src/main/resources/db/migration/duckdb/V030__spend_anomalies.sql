-- Spend spikes found by the anomaly detector (analytics/AnomalyDetector): one row per dimension, value and window.
CREATE TABLE spend_anomalies (
  dimension       VARCHAR NOT NULL,   -- project, key or model
  value           VARCHAR NOT NULL,
  window_start    TIMESTAMP NOT NULL, -- UTC
  window_seconds  INTEGER NOT NULL,
  org_id          VARCHAR,
  project_id      VARCHAR,
  observed_nanos  BIGINT NOT NULL,
  baseline_nanos  BIGINT NOT NULL,
  score           VARCHAR NOT NULL,   -- exact decimal text
  detected_at     TIMESTAMP NOT NULL,
  PRIMARY KEY (dimension, value, window_start)
);
