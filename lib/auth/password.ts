import { hash, verify, type Algorithm, type Options } from "@node-rs/argon2";

// Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1): roughly 30–60 ms per hash on a
// small server, slow enough for offline guessing and fast enough for a sign-in.
// `Algorithm` is an ambient const enum, which isolatedModules cannot read at runtime.
const ARGON2ID = 2 as Algorithm.Argon2id;

/** The hashing parameters every new password gets (exported for the test that pins them). */
export const PASSWORD_HASH_OPTIONS: Options = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/** Hashes a password with Argon2id; the result is a self-describing PHC string. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

/** Whether `password` matches `encoded`; a malformed hash is a mismatch, not a crash. */
export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  try {
    return await verify(encoded, password);
  } catch {
    return false;
  }
}

// A real hash of a random string, so an unknown email costs as long as a wrong password
// and sign-in timing does not reveal which emails have accounts.
let dummy: Promise<string> | undefined;

/** Spends the time of one verification without a user to verify against. */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummy ??= hashPassword(crypto.randomUUID());
  await verifyPassword(await dummy, password);
}
