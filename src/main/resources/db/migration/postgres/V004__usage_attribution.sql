-- Who a row belongs to (org and project of the key), which deployment served it, and what a cache hit saved.
ALTER TABLE usage ADD COLUMN org_id VARCHAR;
ALTER TABLE usage ADD COLUMN project_id VARCHAR;
ALTER TABLE usage ADD COLUMN deployment VARCHAR;
ALTER TABLE usage ADD COLUMN saved_nanos BIGINT NOT NULL DEFAULT 0;

CREATE INDEX usage_org_project_started ON usage (org_id, project_id, started_at DESC);

-- Rollups for dashboards and analytics: raw-table aggregates over millions of rows take seconds on
-- PostgreSQL, these answer in milliseconds. Refreshed incrementally in the same transaction as each ledger
-- batch (INSERT ... ON CONFLICT DO UPDATE from the rows that batch really inserted), so they never drift.
-- Absent org/project/user are '' so that the dimension key is a plain unique index.
CREATE TABLE usage_hourly (
  bucket                TIMESTAMPTZ NOT NULL,  -- date_trunc('hour', started_at) in UTC
  org_id                VARCHAR NOT NULL,
  project_id            VARCHAR NOT NULL,
  key_id                VARCHAR NOT NULL,
  user_id               VARCHAR NOT NULL,
  provider              VARCHAR NOT NULL,
  model_served          VARCHAR NOT NULL,
  endpoint              VARCHAR NOT NULL,
  status                INTEGER NOT NULL,
  requests              BIGINT NOT NULL,
  errors                BIGINT NOT NULL,      -- status >= 400
  cost_nanos            BIGINT NOT NULL,
  saved_nanos           BIGINT NOT NULL,
  input_tokens          BIGINT NOT NULL,
  cache_read_tokens     BIGINT NOT NULL,
  cache_write_5m_tokens BIGINT NOT NULL,
  cache_write_1h_tokens BIGINT NOT NULL,
  audio_input_tokens    BIGINT NOT NULL,
  image_input_tokens    BIGINT NOT NULL,
  output_tokens         BIGINT NOT NULL,
  reasoning_tokens      BIGINT NOT NULL,
  audio_output_tokens   BIGINT NOT NULL,
  latency_ms_sum        BIGINT NOT NULL,
  PRIMARY KEY (bucket, org_id, project_id, key_id, user_id, provider, model_served, endpoint, status)
);

CREATE TABLE usage_daily (LIKE usage_hourly INCLUDING ALL);

CREATE INDEX usage_hourly_org_bucket ON usage_hourly (org_id, project_id, bucket);
CREATE INDEX usage_daily_org_bucket ON usage_daily (org_id, project_id, bucket);
