import { LRUCache } from "lru-cache";
import { hashKey, isWellFormedKey } from "../keys/key.ts";

/**
 * Checksum check and SHA-256 of recently seen well-formed keys, so a busy key is checked
 * and hashed once rather than on every call. The plaintext lives in this process's memory
 * only, as it does in every request that carries it.
 */
export class KeyHashes {
  private readonly hashes = new LRUCache<string, string>({ max: 10_000 });

  /** The key's hash, or undefined when it is malformed or fails its checksum. */
  of(key: string): string | undefined {
    let hash = this.hashes.get(key);
    if (hash === undefined) {
      if (!isWellFormedKey(key)) return undefined;
      hash = hashKey(key);
      this.hashes.set(key, hash);
    }
    return hash;
  }
}
