import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const PREFIX = "tg_";
/** 22 base62 characters carry log2(62) × 22 ≈ 131 bits, over the 128 bits a key needs. */
const RANDOM_LENGTH = 22;
const CHECKSUM_LENGTH = 6;
const KEY_PATTERN = new RegExp(`^${PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

export type NewKey = {
  /** The plaintext: shown once, never stored. */
  key: string;
  /** SHA-256 of the plaintext, hex: what the database keeps. */
  hash: string;
  /** `tg_` + the first 4 random characters, for display. */
  prefix: string;
  last4: string;
};

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: rejecting bytes above it keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

function checksum(body: string): string {
  let n = crc32(body);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** Creates a new key: `tg_` + 22 random base62 characters + a 6-character base62 CRC32 of the rest. */
export function generateKey(): NewKey {
  const body = PREFIX + randomBase62(RANDOM_LENGTH);
  const key = body + checksum(body);
  return { key, hash: hashKey(key), prefix: key.slice(0, PREFIX.length + 4), last4: key.slice(-4) };
}

/** True when the key has the right shape and checksum: a cheap filter before any database lookup. */
export function isWellFormedKey(key: string): boolean {
  if (!KEY_PATTERN.test(key)) return false;
  const body = key.slice(0, -CHECKSUM_LENGTH);
  return checksum(body) === key.slice(-CHECKSUM_LENGTH);
}

/** SHA-256 hex of a key: keys are high-entropy, so a fast unsalted hash is the right tool. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
