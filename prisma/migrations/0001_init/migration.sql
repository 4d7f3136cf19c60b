CREATE TYPE key_status AS ENUM ('active', 'inactive');

CREATE TABLE plans (
  id            SERIAL PRIMARY KEY,
  slug          TEXT NOT NULL,
  name          TEXT NOT NULL,
  rpm           INTEGER NOT NULL,
  monthly_quota INTEGER NOT NULL,
  created_at    TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX plans_slug_key ON plans (slug);

CREATE TABLE users (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  email         TEXT NOT NULL,
  name          TEXT,
  password_hash TEXT NOT NULL,
  is_admin      BOOLEAN NOT NULL DEFAULT false,
  plan_id       INTEGER NOT NULL REFERENCES plans (id) ON UPDATE CASCADE ON DELETE RESTRICT,
  created_at    TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_plan_id_idx ON users (plan_id);

CREATE TABLE api_keys (
  id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      UUID NOT NULL REFERENCES users (id) ON UPDATE CASCADE ON DELETE CASCADE,
  name         TEXT NOT NULL,
  hash         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  last4        TEXT NOT NULL,
  status       key_status NOT NULL DEFAULT 'active',
  expires_at   TIMESTAMPTZ(3),
  last_used_at TIMESTAMPTZ(3),
  deleted_at   TIMESTAMPTZ(3),
  created_at   TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX api_keys_hash_key ON api_keys (hash);
CREATE INDEX api_keys_user_id_created_at_idx ON api_keys (user_id, created_at);

CREATE TABLE calls (
  id                  BIGSERIAL PRIMARY KEY,
  request_id          TEXT NOT NULL,
  user_id             UUID NOT NULL REFERENCES users (id) ON UPDATE CASCADE ON DELETE CASCADE,
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
  created_at          TIMESTAMPTZ(3) NOT NULL
);
CREATE UNIQUE INDEX calls_request_id_key ON calls (request_id);
CREATE INDEX calls_user_id_created_at_id_idx ON calls (user_id, created_at DESC, id DESC);
CREATE INDEX calls_user_id_key_id_created_at_id_idx ON calls (user_id, key_id, created_at DESC, id DESC);
CREATE INDEX calls_user_id_path_created_at_id_idx ON calls (user_id, path, created_at DESC, id DESC);
CREATE INDEX calls_user_id_status_created_at_id_idx ON calls (user_id, status, created_at DESC, id DESC);

CREATE TABLE usage_daily (
  user_id  UUID NOT NULL REFERENCES users (id) ON UPDATE CASCADE ON DELETE CASCADE,
  key_id   UUID NOT NULL,
  day      DATE NOT NULL,
  path     TEXT NOT NULL,
  calls    INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  billable INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT usage_daily_pkey PRIMARY KEY (user_id, day, key_id, path)
);

CREATE TABLE sign_in_attempts (
  id         BIGSERIAL PRIMARY KEY,
  email      TEXT NOT NULL,
  ip         TEXT NOT NULL,
  created_at TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_attempts_email_created_at_idx ON sign_in_attempts (email, created_at);
CREATE INDEX sign_in_attempts_ip_created_at_idx ON sign_in_attempts (ip, created_at);

INSERT INTO plans (slug, name, rpm, monthly_quota) VALUES
  ('free', 'Free', 1, 1000),
  ('basic', 'Basic', 60, 20000),
  ('advanced', 'Advanced', 300, 100000),
  ('vip', 'VIP', 600, 1000000);
