-- Latency and failure analytics (issue 8, point 5): per endpoint pattern, rolled up by the
-- recorder per hour (the 24 h view) and per UTC day (7, 30 and 90 days), so percentiles and
-- the failures table cost the same at ten calls or ten million.

-- Latency histograms: bucket i holds latencies in [1.25^i - 1, 1.25^(i+1) - 1) ms, the last
-- one everything above (about 21 minutes), so a percentile read back from a histogram is
-- within ±12 % of the true value. lib/data/analytics.ts reads the buckets with the same rule.
CREATE FUNCTION latency_bucket(ms double precision) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN LEAST(63, floor(ln(GREATEST(ms, 0) + 1) / ln(1.25)))::integer;

-- A 64-bucket histogram from (bucket, count) pairs.
CREATE FUNCTION latency_histogram(buckets integer[], counts integer[]) RETURNS integer[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY(SELECT COALESCE(sum(c.n), 0)::integer
                 FROM generate_series(0, 63) AS g
                 LEFT JOIN unnest(COALESCE(buckets, '{}'), COALESCE(counts, '{}')) AS c(b, n) ON c.b = g
                GROUP BY g ORDER BY g);

-- Two histograms added bucket by bucket (a NULL one counts as empty).
CREATE FUNCTION histogram_add(a integer[], b integer[]) RETURNS integer[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a
              ELSE ARRAY(SELECT x + y FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i) ORDER BY i) END;

CREATE AGGREGATE histogram_sum(integer[]) (SFUNC = histogram_add, STYPE = integer[]);

-- Calls per account × hour × endpoint pattern (foreign keys as usage_daily: a rollup row is
-- written per batch and group, not per call, so the check is cheap). `refused`: the gateway answered itself;
-- `upstream_errors`: forwarded calls that ended with status >= 400 (the upstream's own errors
-- and the gateway's 502/504 for it); `aborted`: the client hung up. Their sum is the failures.
-- The histogram holds the total latency of the calls that were not refused.
CREATE TABLE usage_hourly (
  user_id         UUID NOT NULL REFERENCES users (id) ON UPDATE CASCADE ON DELETE CASCADE,
  hour            TIMESTAMPTZ(3) NOT NULL,
  endpoint        TEXT NOT NULL,
  calls           INTEGER NOT NULL DEFAULT 0,
  refused         INTEGER NOT NULL DEFAULT 0,
  upstream_errors INTEGER NOT NULL DEFAULT 0,
  aborted         INTEGER NOT NULL DEFAULT 0,
  latency_hist    INTEGER[] NOT NULL,
  CONSTRAINT usage_hourly_pkey PRIMARY KEY (user_id, hour, endpoint)
);

-- The same per UTC day, for the 7/30/90-day views (24 × fewer rows to add up).
CREATE TABLE usage_endpoint_daily (
  user_id         UUID NOT NULL REFERENCES users (id) ON UPDATE CASCADE ON DELETE CASCADE,
  day             DATE NOT NULL,
  endpoint        TEXT NOT NULL,
  calls           INTEGER NOT NULL DEFAULT 0,
  refused         INTEGER NOT NULL DEFAULT 0,
  upstream_errors INTEGER NOT NULL DEFAULT 0,
  aborted         INTEGER NOT NULL DEFAULT 0,
  latency_hist    INTEGER[] NOT NULL,
  CONSTRAINT usage_endpoint_daily_pkey PRIMARY KEY (user_id, day, endpoint)
);

-- Failed calls per account × hour × endpoint pattern × status × error code, like an error
-- tracker's issue list: how many, first and last seen, and the latest one's request id (24 h).
CREATE TABLE failures_hourly (
  user_id            UUID NOT NULL REFERENCES users (id) ON UPDATE CASCADE ON DELETE CASCADE,
  hour               TIMESTAMPTZ(3) NOT NULL,
  endpoint           TEXT NOT NULL,
  status             SMALLINT NOT NULL,
  error_code         TEXT NOT NULL DEFAULT '',
  outcome            call_outcome NOT NULL,
  calls              INTEGER NOT NULL DEFAULT 0,
  first_seen         TIMESTAMPTZ(3) NOT NULL,
  last_seen          TIMESTAMPTZ(3) NOT NULL,
  example_request_id TEXT NOT NULL,
  CONSTRAINT failures_hourly_pkey PRIMARY KEY (user_id, hour, endpoint, status, error_code)
);

-- The same per UTC day, for the 7/30/90-day views.
CREATE TABLE failures_daily (
  user_id            UUID NOT NULL REFERENCES users (id) ON UPDATE CASCADE ON DELETE CASCADE,
  day                DATE NOT NULL,
  endpoint           TEXT NOT NULL,
  status             SMALLINT NOT NULL,
  error_code         TEXT NOT NULL DEFAULT '',
  outcome            call_outcome NOT NULL,
  calls              INTEGER NOT NULL DEFAULT 0,
  first_seen         TIMESTAMPTZ(3) NOT NULL,
  last_seen          TIMESTAMPTZ(3) NOT NULL,
  example_request_id TEXT NOT NULL,
  CONSTRAINT failures_daily_pkey PRIMARY KEY (user_id, day, endpoint, status, error_code)
);

-- `status=failed`: only failed calls are indexed (a few percent), so a page of failures is
-- an index range, however rare they are. Spelled exactly as lib/data/calls.ts filters.
CREATE INDEX calls_user_id_failed_created_at_id_idx
  ON calls (user_id, created_at DESC, id DESC) WHERE status >= 400 OR outcome = 'client_aborted';

-- Rebuilds the three rollups from the calls table: once below for the history so far (so the
-- views are complete from the first day), and by the dashboard benchmark after a bulk load.
-- `only_user` limits it to one account.
CREATE FUNCTION rebuild_analytics_rollups(only_user uuid DEFAULT NULL) RETURNS void LANGUAGE sql AS $$
DELETE FROM usage_hourly WHERE only_user IS NULL OR user_id = only_user;
DELETE FROM usage_endpoint_daily WHERE only_user IS NULL OR user_id = only_user;
DELETE FROM failures_hourly WHERE only_user IS NULL OR user_id = only_user;
DELETE FROM failures_daily WHERE only_user IS NULL OR user_id = only_user;
INSERT INTO usage_hourly (user_id, hour, endpoint, calls, refused, upstream_errors, aborted, latency_hist)
SELECT user_id, hour, endpoint, sum(n)::int, sum(refused)::int, sum(upstream_errors)::int, sum(aborted)::int,
       latency_histogram(array_agg(bucket) FILTER (WHERE bucket IS NOT NULL),
                         array_agg(forwarded) FILTER (WHERE bucket IS NOT NULL))
  FROM (SELECT user_id, date_trunc('hour', created_at, 'UTC') AS hour, endpoint_pattern(path) AS endpoint,
               CASE WHEN outcome <> 'refused' THEN latency_bucket(latency_ms) END AS bucket,
               count(*) AS n,
               count(*) FILTER (WHERE outcome <> 'refused')::int AS forwarded,
               count(*) FILTER (WHERE outcome = 'refused') AS refused,
               count(*) FILTER (WHERE status >= 400 AND outcome IN ('completed', 'upstream_error')) AS upstream_errors,
               count(*) FILTER (WHERE outcome = 'client_aborted') AS aborted
          FROM calls WHERE only_user IS NULL OR user_id = only_user GROUP BY 1, 2, 3, 4) g
 GROUP BY 1, 2, 3;

INSERT INTO usage_endpoint_daily (user_id, day, endpoint, calls, refused, upstream_errors, aborted, latency_hist)
SELECT user_id, (hour AT TIME ZONE 'UTC')::date, endpoint, sum(calls)::int, sum(refused)::int,
       sum(upstream_errors)::int, sum(aborted)::int, histogram_sum(latency_hist)
  FROM usage_hourly WHERE only_user IS NULL OR user_id = only_user GROUP BY 1, 2, 3;

INSERT INTO failures_hourly (user_id, hour, endpoint, status, error_code, outcome, calls, first_seen, last_seen,
                             example_request_id)
SELECT user_id, date_trunc('hour', created_at, 'UTC'), endpoint_pattern(path), status, COALESCE(error_code, ''),
       (array_agg(outcome ORDER BY created_at DESC))[1], count(*), min(created_at), max(created_at),
       (array_agg(request_id ORDER BY created_at DESC))[1]
  FROM calls
 WHERE (status >= 400 OR outcome = 'client_aborted') AND (only_user IS NULL OR user_id = only_user)
 GROUP BY 1, 2, 3, 4, 5;

INSERT INTO failures_daily (user_id, day, endpoint, status, error_code, outcome, calls, first_seen, last_seen,
                            example_request_id)
SELECT user_id, (hour AT TIME ZONE 'UTC')::date, endpoint, status, error_code,
       (array_agg(outcome ORDER BY last_seen DESC))[1], sum(calls)::int, min(first_seen), max(last_seen),
       (array_agg(example_request_id ORDER BY last_seen DESC))[1]
  FROM failures_hourly WHERE only_user IS NULL OR user_id = only_user
 GROUP BY 1, 2, 3, 4, 5;
$$;

SELECT rebuild_analytics_rollups();
