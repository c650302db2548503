/**
 * brainpoolP256r1 as numbers (RFC 5639 §3.4) and affine point arithmetic with BigInt.
 *
 * Why by hand: `node:crypto` verifies ECDSA only after hashing the message itself, but a Konnektor signs a hash it
 * is given (spec ti-transport §3.5, §3.8 method 2). Verifying such a signature needs `u1·G + u2·Q` — two scalar
 * multiplications nobody else offers for brainpool. Slow (milliseconds), simple and only used on test paths and
 * in the simulated TI. Not constant-time: never feed it a secret scalar.
 */

export interface AffinePoint {
  x: bigint;
  y: bigint;
}

/** The point at infinity (the group's neutral element). */
export const INFINITY = null;
export type CurvePoint = AffinePoint | typeof INFINITY;

/** RFC 5639 §3.4, brainpoolP256r1: y² = x³ + a·x + b over F_p, base point G of prime order n, cofactor 1. */
export const BRAINPOOL_P256R1 = {
  p: 0xa9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377n,
  a: 0x7d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44f330b5d9n,
  b: 0x26dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b6n,
  G: {
    x: 0x8bd2aeb9cb7e57cb2c4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262n,
    y: 0x547ef835c3dac4fd97f8461a14611dc9c27745132ded8e545c1d54c72f046997n,
  } satisfies AffinePoint,
  /** the group order; also in spec ti-transport §3.8 */
  n: 0xa9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7n,
} as const;

const { p, a, b } = BRAINPOOL_P256R1;

/** x mod m in [0, m). */
export function mod(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

/** x⁻¹ mod m by the extended Euclidean algorithm; throws when x has no inverse. */
export function modInverse(x: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(x, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('Zahl hat kein Inverses modulo m');
  return mod(oldS, m);
}

export function isOnCurve(point: CurvePoint): boolean {
  if (point === INFINITY) return true;
  const { x, y } = point;
  if (x < 0n || x >= p || y < 0n || y >= p) return false;
  return mod(y * y - (x * x * x + a * x + b), p) === 0n;
}

export function addPoints(left: CurvePoint, right: CurvePoint): CurvePoint {
  if (left === INFINITY) return right;
  if (right === INFINITY) return left;
  if (left.x === right.x) {
    // P + (−P) = ∞; P + P is a doubling
    if (mod(left.y + right.y, p) === 0n) return INFINITY;
    return doublePoint(left);
  }
  const slope = mod((right.y - left.y) * modInverse(right.x - left.x, p), p);
  const x = mod(slope * slope - left.x - right.x, p);
  return { x, y: mod(slope * (left.x - x) - left.y, p) };
}

export function doublePoint(point: CurvePoint): CurvePoint {
  if (point === INFINITY || point.y === 0n) return INFINITY;
  const slope = mod((3n * point.x * point.x + a) * modInverse(2n * point.y, p), p);
  const x = mod(slope * slope - 2n * point.x, p);
  return { x, y: mod(slope * (point.x - x) - point.y, p) };
}

/** k·P by double-and-add from the most significant bit (k ≥ 0). */
export function multiplyPoint(k: bigint, point: CurvePoint): CurvePoint {
  if (k < 0n) throw new RangeError('negativer Skalar');
  let result: CurvePoint = INFINITY;
  for (const bit of k.toString(2)) {
    result = doublePoint(result);
    if (bit === '1') result = addPoints(result, point);
  }
  return result;
}

/** Big-endian unsigned bytes → BigInt. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** BigInt → exactly `length` big-endian bytes; throws when it does not fit. */
export function bigIntToBytes(value: bigint, length: number): Buffer {
  if (value < 0n) throw new RangeError('negative Zahl');
  const hex = value.toString(16);
  if (hex.length > length * 2) throw new RangeError(`Zahl länger als ${length} Bytes`);
  return Buffer.from(hex.padStart(length * 2, '0'), 'hex');
}
