-- The latency histograms of V031 by UTC day, as on DuckDB: an (hour, org, project, model) cell holds few rows
-- spread over many bins, so usage_latency_hourly is about as large as the ledger; a day cell folds 24 hours into
-- mostly the same bins. Whole UTC days of a range read this table, the hours at its ends usage_latency_hourly,
-- the minutes the raw table (JdbcAnalyticsStore). Maintained with the hourly table in the append's statement.
-- usage_latency_hourly's columns (LIKE copies no key: it is added after the backfill), with day for hour
CREATE TABLE usage_latency_daily (LIKE usage_latency_hourly);

ALTER TABLE usage_latency_daily RENAME COLUMN hour TO day;

INSERT INTO usage_latency_daily
SELECT date_trunc('day', hour, 'UTC'), org_id, project_id, model, kind, bin, sum(n)::BIGINT
FROM usage_latency_hourly
GROUP BY 1, 2, 3, 4, 5, 6;

ALTER TABLE usage_latency_daily ADD PRIMARY KEY (day, org_id, project_id, model, kind, bin);
