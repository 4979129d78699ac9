-- The latency histograms of V031 by UTC day: an (hour, org, project, model) cell holds few rows spread over many
-- bins, so usage_latency_hourly is as large as the ledger; a day cell folds 24 hours into mostly the same bins.
-- Whole UTC days of a range read this table, the hours at its ends usage_latency_hourly, the minutes the raw
-- table (DuckDbAnalyticsStore). Maintained with the hourly table in the append's transaction.
CREATE TABLE usage_latency_daily (
  day        TIMESTAMP NOT NULL,
  org_id     VARCHAR NOT NULL,
  project_id VARCHAR NOT NULL,
  model      VARCHAR NOT NULL,
  kind       TINYINT NOT NULL,
  bin        INTEGER NOT NULL,
  n          BIGINT NOT NULL,
  PRIMARY KEY (day, org_id, project_id, model, kind, bin)
);

INSERT INTO usage_latency_daily
SELECT date_trunc('day', hour) AS day, org_id, project_id, model, kind, bin, sum(n)::BIGINT
FROM usage_latency_hourly
GROUP BY ALL
ORDER BY day;
