-- Keys: only hashes are stored; display_hint is e.g. 'tg-…a1B2'.
CREATE TABLE api_keys (
  id             VARCHAR PRIMARY KEY,
  name           VARCHAR NOT NULL,
  key_hash       VARCHAR NOT NULL UNIQUE,
  display_hint   VARCHAR NOT NULL,
  role           VARCHAR NOT NULL,
  allowed_models VARCHAR NOT NULL,  -- JSON array; empty = every model
  created_at     TIMESTAMP NOT NULL, -- all timestamps are UTC
  expires_at     TIMESTAMP,
  revoked_at     TIMESTAMP
);

-- The usage ledger: one row per attempt of a request. Token classes are disjoint (see TokenUsage).
-- No primary key on purpose: an ART index on a large append-only table slows the Appender and costs
-- memory; idempotency on replay is checked against the recent time window instead.
CREATE TABLE usage (
  request_id            VARCHAR NOT NULL,
  attempt               INTEGER NOT NULL,
  started_at            TIMESTAMP NOT NULL,
  first_token_at        TIMESTAMP,
  ended_at              TIMESTAMP NOT NULL,
  key_id                VARCHAR NOT NULL,
  user_id               VARCHAR,
  tags                  VARCHAR NOT NULL,  -- JSON array
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
  cost_nanos            BIGINT NOT NULL,   -- nano-USD
  status                INTEGER NOT NULL,
  error_class           VARCHAR,
  flags                 VARCHAR NOT NULL,  -- comma-separated UsageFlag names
  latency_ms            BIGINT NOT NULL
);
