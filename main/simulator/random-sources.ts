/**
 * Where the simulator's random data comes from: the fictional persons and articles of generated prescriptions
 * (`random`) and the ids it hands out (`ids`: AccessCode, Secret, UUIDs).
 *
 * By default AccessCode and Secret come from a CSPRNG (spec §1.3, A_19169-01). With a seed (`--seed N`,
 * `SimulatorOptions.seed`) everything comes from one seeded generator instead, so two runs that start from an empty
 * state and send the same requests produce the same PrescriptionIDs, AccessCodes, Secrets, KVNRs and names
 * (docs/simulator.md, "Deterministic runs"; signatures and token `sub`s still differ). The generator is re-seeded
 * from the seed and a label on every reset and scenario load, so a scenario gives the same AccessCodes and KVNRs
 * however many requests came before it. Seeded ids are predictable — test and training use only.
 */
import { cryptoIds, type IdSource } from './ids';

export interface RandomSources {
  /** uniform in [0, 1) */
  random: () => number;
  ids: IdSource;
  /** start the seeded sequence again from (seed, label); a no-op without a seed */
  reseed(label: string): void;
  /** the seed, when the sources are deterministic */
  seed: number | undefined;
}

export function cryptoSources(random: () => number = Math.random, ids: IdSource = cryptoIds): RandomSources {
  return { random, ids, reseed: () => undefined, seed: undefined };
}

export function seededSources(seed: number): RandomSources {
  let next = xorshift32(mix(seed, ''));
  const random = (): number => next();
  const hex = (bytes: number): string => {
    let out = '';
    while (out.length < bytes * 2)
      out += Math.floor(next() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0');
    return out.slice(0, bytes * 2);
  };
  const ids: IdSource = {
    secret: () => hex(32),
    accessCode: () => hex(32),
    // RFC 4122 layout (version 4, variant 10xx), so the ids look like the real ones
    uuid: () => {
      const h = hex(16);
      const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
  return {
    random,
    ids,
    reseed: (label) => {
      next = xorshift32(mix(seed, label));
    },
    seed,
  };
}

/** A 32-bit start state from the seed and a label (FNV-1a over both), never 0. */
function mix(seed: number, label: string): number {
  let h = 0x811c9dc5;
  const text = `${seed}\u0000${label}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h === 0 ? 0x6d2b79f5 : h;
}

/** Marsaglia's xorshift (13, 17, 5) on 32 bits: small, fast, good enough for fictional test data. */
function xorshift32(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}
