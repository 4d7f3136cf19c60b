-- Call log filters that 0001's indexes cannot serve in (created_at, id) order (docs/bench/dashboard.md:
-- any page under 100 ms at 10 million calls). Without them a status class or IP that
-- matches few or no rows walks the account's whole history looking for 51 rows.

-- `status=5xx` etc.: the data layer filters with `status / 100 = N` to match this.
CREATE INDEX calls_user_id_status_class_created_at_id_idx
  ON calls (user_id, (status / 100), created_at DESC, id DESC);

-- `ip=`: exact client IP.
CREATE INDEX calls_user_id_ip_created_at_id_idx ON calls (user_id, ip, created_at DESC, id DESC);
