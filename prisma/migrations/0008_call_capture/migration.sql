-- The call log says WHY a call failed (issue 8): the redacted query, how the call ended,
-- true timings, and for the calls the capture mode selects, redacted headers and capped
-- bodies in their own table with their own retention.

-- How a call ended. `completed`: the response was delivered in full; `refused`: the gateway
-- answered itself (401/403/413/429/503); `upstream_error`: a 502/504 the gateway made
-- (unreachable, timeout, reset mid-response); `client_aborted`: the client hung up before
-- the response was complete (status stays the upstream's, or 499 if no answer had started).
CREATE TYPE call_outcome AS ENUM ('completed', 'refused', 'upstream_error', 'client_aborted');

-- Adding columns with a constant default rewrites nothing, whatever the table's size.
ALTER TABLE calls
  ADD COLUMN query            TEXT,
  ADD COLUMN outcome          call_outcome NOT NULL DEFAULT 'completed',
  -- Milliseconds from receipt: to the upstream's first body byte, and to its last byte (or failure).
  ADD COLUMN ttfb_ms          REAL,
  ADD COLUMN upstream_done_ms REAL,
  -- Time before the upstream was asked plus time after it finished; never its streaming time.
  ADD COLUMN gateway_ms       REAL;

-- Existing rows: the outcome follows from the error code the gateway recorded. A client that
-- hung up mid-stream used to be recorded with the upstream's 2xx status and
-- `client_closed_request`; it is a failure now, so its day's rollup counts it as one.
UPDATE usage_daily d
   SET failures = d.failures + a.aborted
  FROM (SELECT user_id, (created_at AT TIME ZONE 'UTC')::date AS day, key_id, path, count(*)::int AS aborted
          FROM calls
         WHERE error_code = 'client_closed_request' AND status < 400
         GROUP BY 1, 2, 3, 4) a
 WHERE d.user_id = a.user_id AND d.day = a.day AND d.key_id = a.key_id AND d.path = a.path;

UPDATE calls
   SET outcome = CASE
         WHEN error_code = 'client_closed_request' THEN 'client_aborted'
         WHEN error_code IN ('upstream_unreachable', 'upstream_timeout', 'upstream_aborted') THEN 'upstream_error'
         ELSE 'refused'
       END::call_outcome
 WHERE error_code IS NOT NULL;

-- One row per captured call. No foreign key to calls (calls will be partitioned by time, and
-- the recorder writes both in one statement) nor to users (a per-row check on the hot write
-- path, see 0006): the trigger below deletes an account's payloads with its calls, and
-- retention deletes old rows in bulk by created_at.
CREATE TABLE call_payloads (
  request_id            TEXT NOT NULL,
  user_id               UUID NOT NULL,
  created_at            TIMESTAMPTZ(3) NOT NULL,
  -- Redacted headers as [[name, value], ...] in the order received (duplicates kept).
  request_headers       JSONB,
  response_headers      JSONB,
  -- A capped prefix as text; NULL when the body is binary or empty.
  request_body          TEXT,
  response_body         TEXT,
  -- The true sizes, whatever was kept.
  request_body_bytes    BIGINT NOT NULL DEFAULT 0,
  response_body_bytes   BIGINT NOT NULL DEFAULT 0,
  request_truncated     BOOLEAN NOT NULL DEFAULT false,
  response_truncated    BOOLEAN NOT NULL DEFAULT false,
  request_content_type  TEXT,
  response_content_type TEXT,
  -- created_at is in the key so the table can be partitioned by time later.
  CONSTRAINT call_payloads_pkey PRIMARY KEY (request_id, created_at)
);
CREATE INDEX call_payloads_created_at_idx ON call_payloads (created_at);
CREATE INDEX call_payloads_user_id_idx ON call_payloads (user_id);

CREATE OR REPLACE FUNCTION calls_follow_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM calls WHERE user_id = OLD.id;
    DELETE FROM call_payloads WHERE user_id = OLD.id;
    RETURN OLD;
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id THEN
    UPDATE calls SET user_id = NEW.id WHERE user_id = OLD.id;
    UPDATE call_payloads SET user_id = NEW.id WHERE user_id = OLD.id;
  END IF;
  RETURN NEW;
END;
$$;

-- Settings an admin edits in the dashboard, one JSON value per name, read by the gateway
-- (it polls updated_at). `redacted_query_params`: query parameter names whose values are
-- stored as [REDACTED], compared case-insensitively.
CREATE TABLE settings (
  name       TEXT PRIMARY KEY,
  value      JSONB NOT NULL,
  updated_at TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
INSERT INTO settings (name, value) VALUES
  ('redacted_query_params',
   '["key", "api_key", "apikey", "token", "access_token", "password", "secret", "signature", "sig"]');
