-- Admins can suspend an account: its keys are refused at the gateway (403
-- account_suspended) and it cannot sign in, while its keys, calls and plan stay as they
-- were for when it is unsuspended. NULL = not suspended.
ALTER TABLE users ADD COLUMN suspended_at TIMESTAMPTZ(3);
