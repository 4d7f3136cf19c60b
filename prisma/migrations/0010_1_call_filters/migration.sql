-- Call log filters by error code and endpoint pattern (issue 8, point 4).

-- The endpoint a path belongs to, with ids and numbers replaced by placeholders, so that
-- /status/404 and /status/503 are one row in the top lists (/status/:code) and
-- /v1/items/7 and /v1/items/8 another (/v1/items/:id). The only copy of the rule: the
-- dashboard filters `endpoint=/v1/items/:id` with this function too. A segment becomes
--   :code  when it is an HTTP status number after a segment named status(es) or code(s);
--   :id    when it is all digits, or 16+ characters of letters, digits, - and _ with a digit
--          in them (UUIDs, hashes, prefixed ids such as file_8fa9c2d1e3b4a5f6).
CREATE FUNCTION endpoint_pattern(path text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN regexp_replace(
    regexp_replace(
      regexp_replace(path, '/(status|statuses|code|codes)/[1-5][0-9][0-9](?=/|$)', '/\1/:code', 'gi'),
      '/[0-9]+(?=/|$)', '/:id', 'g'),
    '/(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{16,}(?=/|$)', '/:id', 'g');

-- `error=rate_limited`: only calls with an error code are indexed (a few percent of calls),
-- so the gateway's writes barely pay for it, and a rare code does not walk the whole history.
CREATE INDEX calls_user_id_error_code_created_at_id_idx
  ON calls (user_id, error_code, created_at DESC, id DESC) WHERE error_code IS NOT NULL;
