-- Keys: only hashes are stored; display_hint is e.g. 'tg-…a1B2'. Timestamps are TIMESTAMPTZ everywhere.
CREATE TABLE api_keys (
  id             VARCHAR PRIMARY KEY,
  name           VARCHAR NOT NULL,
  key_hash       VARCHAR NOT NULL UNIQUE,
  display_hint   VARCHAR NOT NULL,
  role           VARCHAR NOT NULL,
  allowed_models VARCHAR NOT NULL,  -- JSON array; empty = every model
  created_at     TIMESTAMPTZ NOT NULL,
  expires_at     TIMESTAMPTZ,
  revoked_at     TIMESTAMPTZ
);

-- The usage ledger: one row per attempt of a request. Token classes are disjoint (see TokenUsage).
-- Unlike DuckDB, PostgreSQL keeps a unique index on (request_id, attempt): replay is INSERT ... ON CONFLICT DO NOTHING.
CREATE TABLE usage (
  request_id            VARCHAR NOT NULL,
  attempt               INTEGER NOT NULL,
  started_at            TIMESTAMPTZ NOT NULL,
  first_token_at        TIMESTAMPTZ,
  ended_at              TIMESTAMPTZ NOT NULL,
  key_id                VARCHAR NOT NULL,
  user_id               VARCHAR,
  tags                  JSONB NOT NULL,   -- JSON array of strings
  provider              VARCHAR NOT NULL,
  model_requested       VARCHAR NOT NULL,
  model_served          VARCHAR NOT NULL,
  endpoint              VARCHAR NOT NULL,
  stream                BOOLEAN NOT NULL,
  input_tokens          BIGINT NOT NULL,
  cache_read_tokens     BIGINT NOT NULL,
  cache_write_5m_tokens BIGINT NOT NULL,
  cache_write_1h_tokens BIGINT NOT NULL,
  audio_input_tokens    BIGINT NOT NULL,
  image_input_tokens    BIGINT NOT NULL,
  output_tokens         BIGINT NOT NULL,
  reasoning_tokens      BIGINT NOT NULL,
  audio_output_tokens   BIGINT NOT NULL,
  cost_nanos            BIGINT NOT NULL,  -- nano-USD
  status                INTEGER NOT NULL,
  error_class           VARCHAR,
  flags                 VARCHAR NOT NULL, -- comma-separated UsageFlag names
  latency_ms            BIGINT NOT NULL
);

CREATE UNIQUE INDEX usage_request_attempt ON usage (request_id, attempt);
CREATE INDEX usage_started ON usage (started_at DESC, request_id DESC, attempt DESC);
CREATE INDEX usage_key_started ON usage (key_id, started_at DESC);
CREATE INDEX usage_provider_started ON usage (provider, started_at DESC);
CREATE INDEX usage_model_requested_started ON usage (model_requested, started_at DESC);
CREATE INDEX usage_model_served_started ON usage (model_served, started_at DESC);
CREATE INDEX usage_user_started ON usage (user_id, started_at DESC) WHERE user_id IS NOT NULL;
CREATE INDEX usage_tags ON usage USING GIN (tags jsonb_path_ops);
