/**
 * Which shard a symbol's ticks go to, and which live process should own a shard. Pure functions, so every process
 * computes the same answers from the same inputs.
 */

/** FNV-1a, 32-bit: stable across processes and versions, and spreads short symbols well. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function shardOf(symbol: string, shards: number): number {
  return fnv1a(symbol) % shards;
}

/**
 * The member that should own `shard`: highest random weight (rendezvous) hashing. When a member joins or leaves,
 * only the shards it wins or held move; every other shard keeps its owner.
 */
export function preferredOwner(shard: number, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const member of members) {
    const weight = fnv1a(`${shard}/${member}`);
    if (weight > bestWeight || (weight === bestWeight && best !== undefined && member < best)) {
      best = member;
      bestWeight = weight;
    }
  }
  return best;
}
