-- `method=`: without an index a method that matches few or no calls walks the account's whole
-- history looking for a page (docs/bench/dashboard.md: `method=DELETE` with no match took
-- 225 ms p95 at 1 million calls, so seconds at 10 million). Like the other filter indexes it
-- is created on every partition of the call log. Its write cost, measured with
-- scripts/bench-recorder.ts, is about one more index entry per call (see the perf notes).
CREATE INDEX calls_user_id_method_created_at_id_idx ON calls (user_id, method, created_at DESC, id DESC);
