-- Totals per user by UTC day: thousands of users make an hourly user rollup about as large as the ledger,
-- a daily one is small. A user breakdown reads the whole UTC days of its range here and the rest from the raw
-- table (DuckDbAnalyticsStore). Same measures as usage_hourly; dim is always 'user', value '' for no user.
-- Maintained with the other rollups in the append's transaction (DuckDbUsageRollup).
CREATE TABLE usage_user_daily (
  day                   TIMESTAMP NOT NULL,
  dim                   VARCHAR NOT NULL,
  value                 VARCHAR NOT NULL,
  org_id                VARCHAR NOT NULL,
  project_id            VARCHAR NOT NULL,
  requests              BIGINT NOT NULL,
  attempts              BIGINT NOT NULL,
  errors                BIGINT NOT NULL,
  fallbacks             BIGINT NOT NULL,
  cache_hits            BIGINT NOT NULL,
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
  latency_ms            BIGINT NOT NULL,
  PRIMARY KEY (day, dim, value, org_id, project_id)
);

INSERT INTO usage_user_daily
SELECT date_trunc('day', started_at) AS day, 'user', coalesce(user_id, ''), coalesce(org_id, ''), coalesce(project_id, ''),
       count(*) FILTER (WHERE attempt <= 1), count(*), count(*) FILTER (WHERE status >= 400),
       count(*) FILTER (WHERE contains(flags, 'FALLBACK_USED')), count(*) FILTER (WHERE contains(flags, 'CACHE_HIT')),
       sum(cost_nanos)::BIGINT, sum(saved_nanos)::BIGINT, sum(input_tokens)::BIGINT, sum(cache_read_tokens)::BIGINT,
       sum(cache_write_5m_tokens)::BIGINT, sum(cache_write_1h_tokens)::BIGINT, sum(audio_input_tokens)::BIGINT,
       sum(image_input_tokens)::BIGINT, sum(output_tokens)::BIGINT, sum(reasoning_tokens)::BIGINT,
       sum(audio_output_tokens)::BIGINT, sum(latency_ms)::BIGINT
FROM usage
GROUP BY ALL
ORDER BY day;
