/**
 * The stable hash sticky routing uses: FNV-1a (32 bit) of the key's UTF-16 code units, mixed by
 * a final avalanche (murmur3's fmix32) so that keys differing in their last character spread over
 * the whole range. Stable across processes and restarts (no per-process seed): a key lands on the
 * same side of a split on every replica. Not for security: a client that picks its key picks its
 * version, which a sticky key lets it do anyway.
 */

/** A number in [0, 1) that depends only on `key`. */
export function stableUnit(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}
