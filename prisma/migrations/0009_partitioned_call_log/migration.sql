-- The call log partitioned by time (issue 9): `calls` and `call_payloads` become natively
-- RANGE-partitioned by created_at, one partition per UTC month, so that old calls leave by
-- DROP TABLE of a whole partition (instant, no dead rows, no vacuum) instead of DELETE.
-- The app creates partitions ahead and drops old ones (lib/recorder/partitions.ts); the daily
-- rollups (usage_daily) are not partitioned and kept forever. Prisma cannot express
-- partitioning: schema.prisma declares the same columns and keys, and this file is the truth.
--
-- Every key of a partitioned table must include the partition key, so:
--   calls: PRIMARY KEY (id, created_at), UNIQUE (request_id, created_at). The recorder's
--   replays stay idempotent: a record carries its created_at, fixed when the call arrived.
--   call_payloads: its key was (request_id, created_at) already (0008).
-- Rows outside every partition (a spooled record from long ago) go to a DEFAULT partition
-- rather than failing; the app moves them when it creates their partition.
--
-- Conversion: the old tables are renamed, the partitioned ones created with partitions for
-- every month that has rows (and the next two), the rows copied in one statement each
-- (ids kept, same sequence), the old tables dropped. It rewrites the call log once: time
-- proportional to its size (all in this migration's transaction, so all or nothing).

ALTER TABLE calls RENAME TO calls_before_0009;
ALTER TABLE calls_before_0009 DROP CONSTRAINT calls_pkey;
DROP INDEX calls_request_id_key;
DROP INDEX calls_user_id_created_at_id_idx;
DROP INDEX calls_user_id_key_id_created_at_id_idx;
DROP INDEX calls_user_id_path_created_at_id_idx;
DROP INDEX calls_user_id_status_created_at_id_idx;
DROP INDEX calls_user_id_status_class_created_at_id_idx;
DROP INDEX calls_user_id_ip_created_at_id_idx;
ALTER SEQUENCE calls_id_seq OWNED BY NONE;

CREATE TABLE calls (
  id                  BIGINT NOT NULL DEFAULT nextval('calls_id_seq'),
  request_id          TEXT NOT NULL,
  user_id             UUID NOT NULL,
  key_id              UUID NOT NULL,
  method              TEXT NOT NULL,
  path                TEXT NOT NULL,
  status              SMALLINT NOT NULL,
  latency_ms          INTEGER NOT NULL,
  upstream_latency_ms INTEGER,
  request_bytes       BIGINT NOT NULL DEFAULT 0,
  response_bytes      BIGINT NOT NULL DEFAULT 0,
  ip                  TEXT NOT NULL,
  user_agent          TEXT,
  error_code          TEXT,
  billable            BOOLEAN NOT NULL,
  created_at          TIMESTAMPTZ(3) NOT NULL,
  query               TEXT,
  outcome             call_outcome NOT NULL DEFAULT 'completed',
  ttfb_ms             REAL,
  upstream_done_ms    REAL,
  gateway_ms          REAL,
  CONSTRAINT calls_pkey PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE calls_id_seq OWNED BY calls.id;
CREATE UNIQUE INDEX calls_request_id_created_at_key ON calls (request_id, created_at);
CREATE INDEX calls_user_id_created_at_id_idx ON calls (user_id, created_at DESC, id DESC);
CREATE INDEX calls_user_id_key_id_created_at_id_idx ON calls (user_id, key_id, created_at DESC, id DESC);
CREATE INDEX calls_user_id_path_created_at_id_idx ON calls (user_id, path, created_at DESC, id DESC);
CREATE INDEX calls_user_id_status_created_at_id_idx ON calls (user_id, status, created_at DESC, id DESC);
CREATE INDEX calls_user_id_status_class_created_at_id_idx
  ON calls (user_id, (status / 100), created_at DESC, id DESC);
CREATE INDEX calls_user_id_ip_created_at_id_idx ON calls (user_id, ip, created_at DESC, id DESC);
CREATE TABLE calls_default PARTITION OF calls DEFAULT;

ALTER TABLE call_payloads RENAME TO call_payloads_before_0009;
ALTER TABLE call_payloads_before_0009 DROP CONSTRAINT call_payloads_pkey;
DROP INDEX call_payloads_created_at_idx;
DROP INDEX call_payloads_user_id_idx;

CREATE TABLE call_payloads (
  request_id            TEXT NOT NULL,
  user_id               UUID NOT NULL,
  created_at            TIMESTAMPTZ(3) NOT NULL,
  request_headers       JSONB,
  response_headers      JSONB,
  request_body          TEXT,
  response_body         TEXT,
  request_body_bytes    BIGINT NOT NULL DEFAULT 0,
  response_body_bytes   BIGINT NOT NULL DEFAULT 0,
  request_truncated     BOOLEAN NOT NULL DEFAULT false,
  response_truncated    BOOLEAN NOT NULL DEFAULT false,
  request_content_type  TEXT,
  response_content_type TEXT,
  CONSTRAINT call_payloads_pkey PRIMARY KEY (request_id, created_at)
) PARTITION BY RANGE (created_at);
CREATE INDEX call_payloads_created_at_idx ON call_payloads (created_at);
CREATE INDEX call_payloads_user_id_idx ON call_payloads (user_id);
CREATE TABLE call_payloads_default PARTITION OF call_payloads DEFAULT;

-- One partition per month that has rows, through two months ahead of now (UTC). The names
-- (calls_p20261101 = from 2026-11-01) are what lib/recorder/partitions.ts manages.
DO $$
DECLARE
  parent TEXT;
  month  TIMESTAMP;
  last   TIMESTAMP := date_trunc('month', now() AT TIME ZONE 'UTC') + interval '2 months';
BEGIN
  FOREACH parent IN ARRAY ARRAY['calls', 'call_payloads'] LOOP
    EXECUTE format('SELECT date_trunc(''month'', least(min(created_at), now()) AT TIME ZONE ''UTC'') FROM %I',
                   parent || '_before_0009') INTO month;
    month := coalesce(month, date_trunc('month', now() AT TIME ZONE 'UTC'));
    WHILE month <= last LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                     parent || '_p' || to_char(month, 'YYYYMMDD'), parent,
                     month::text || '+00', (month + interval '1 month')::text || '+00');
      month := month + interval '1 month';
    END LOOP;
  END LOOP;
END;
$$;

INSERT INTO calls (id, request_id, user_id, key_id, method, path, status, latency_ms, upstream_latency_ms,
                   request_bytes, response_bytes, ip, user_agent, error_code, billable, created_at, query,
                   outcome, ttfb_ms, upstream_done_ms, gateway_ms)
SELECT id, request_id, user_id, key_id, method, path, status, latency_ms, upstream_latency_ms,
       request_bytes, response_bytes, ip, user_agent, error_code, billable, created_at, query,
       outcome, ttfb_ms, upstream_done_ms, gateway_ms
FROM calls_before_0009;
DROP TABLE calls_before_0009;

INSERT INTO call_payloads SELECT * FROM call_payloads_before_0009;
DROP TABLE call_payloads_before_0009;
