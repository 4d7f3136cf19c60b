-- calls.user_id → users: a trigger instead of the foreign key (gateway throughput: docs/bench/gateway.md).
-- The FK checked and locked the account once per inserted row, about 7 µs of PostgreSQL CPU
-- per recorded call. The recorder now locks each account once per batch instead
-- (lib/recorder/sql.ts: FOR KEY SHARE, as the FK did), skipping calls of accounts that are
-- gone, and this trigger keeps ON DELETE / ON UPDATE CASCADE: deleting an account deletes
-- its calls. No orphan can appear: a batch holds its accounts' key-share locks until it
-- commits, so a deletion waits for the batch and then removes its calls too.
ALTER TABLE calls DROP CONSTRAINT calls_user_id_fkey;

CREATE FUNCTION calls_follow_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM calls WHERE user_id = OLD.id;
    RETURN OLD;
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id THEN
    UPDATE calls SET user_id = NEW.id WHERE user_id = OLD.id;
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER users_cascade_to_calls
  AFTER DELETE OR UPDATE OF id ON users
  FOR EACH ROW
  EXECUTE FUNCTION calls_follow_user();
