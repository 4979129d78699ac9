-- Totals per user by UTC day, as on DuckDB: thousands of users make an hourly user rollup about as large as the
-- ledger, a daily one is small. A user breakdown reads the whole UTC days of its range here and the rest from the
-- raw table (JdbcAnalyticsStore). Same measures as usage_hourly; dim is always 'user', value '' for no user.
-- Maintained with the other rollups in the append's statement (PostgresUsageRollup).
SET LOCAL work_mem = '256MB';

-- usage_hourly's columns (LIKE copies no key: it is added after the backfill), with day for hour
CREATE TABLE usage_user_daily (LIKE usage_hourly);

ALTER TABLE usage_user_daily RENAME COLUMN hour TO day;

INSERT INTO usage_user_daily
SELECT date_trunc('day', started_at, 'UTC'), 'user', coalesce(user_id, ''), coalesce(org_id, ''), coalesce(project_id, ''),
       count(*) FILTER (WHERE attempt <= 1), count(*), count(*) FILTER (WHERE status >= 400),
       count(*) FILTER (WHERE strpos(flags, 'FALLBACK_USED') > 0), count(*) FILTER (WHERE strpos(flags, 'CACHE_HIT') > 0),
       sum(cost_nanos)::BIGINT, sum(saved_nanos)::BIGINT, sum(input_tokens)::BIGINT, sum(cache_read_tokens)::BIGINT,
       sum(cache_write_5m_tokens)::BIGINT, sum(cache_write_1h_tokens)::BIGINT, sum(audio_input_tokens)::BIGINT,
       sum(image_input_tokens)::BIGINT, sum(output_tokens)::BIGINT, sum(reasoning_tokens)::BIGINT,
       sum(audio_output_tokens)::BIGINT, sum(latency_ms)::BIGINT
FROM usage
GROUP BY 1, 2, 3, 4, 5;

ALTER TABLE usage_user_daily ADD PRIMARY KEY (day, org_id, project_id, dim, value);
