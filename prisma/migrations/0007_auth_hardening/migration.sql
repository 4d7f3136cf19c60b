-- Sign-in hardening: revocable sessions, demo accounts told apart from real ones, and a
-- per-IP sign-up throttle.

-- Every session token carries the version it was issued under; bumping it (sign-out,
-- password change, suspension) ends every session of the account at once.
ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;

-- `demo seed --reset` wipes call history: only accounts it created itself may be wiped.
-- Demo accounts seeded before this column existed used the fixed demo address.
ALTER TABLE users ADD COLUMN created_by_demo BOOLEAN NOT NULL DEFAULT false;
UPDATE users SET created_by_demo = true WHERE email = 'demo@tollgate.local';

CREATE TABLE sign_up_attempts (
  id         BIGSERIAL PRIMARY KEY,
  ip         TEXT NOT NULL,
  created_at TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX sign_up_attempts_ip_created_at_idx ON sign_up_attempts (ip, created_at);
