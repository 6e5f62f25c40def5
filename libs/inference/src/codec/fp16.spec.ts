import { floatToHalfBits, halfBitsToFloat } from './fp16';
import { seededRandom } from '@switchyard/common';

/**
 * Independent reference: every finite non-negative binary16 value, decoded from its fields by
 * the IEEE 754 definition, sorted by bit pattern (which is also numeric order for positives).
 * Rounding = pick the nearest of the two neighbours, ties to the even bit pattern.
 */
const POSITIVE: number[] = [];
for (let bits = 0; bits < 0x7c00; bits++) {
  const e = bits >> 10;
  const m = bits & 0x3ff;
  POSITIVE.push(e === 0 ? (m / 1024) * Math.pow(2, -14) : (1 + m / 1024) * Math.pow(2, e - 15));
}

function referenceHalfBits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  const max = POSITIVE[POSITIVE.length - 1];
  // Beyond the largest finite half, the next step (2^16) would be the neighbour: halfway is 65520.
  if (a >= max + (65536 - max) / 2) return sign | 0x7c00;
  if (a >= max) return sign | (POSITIVE.length - 1);
  let lo = 0;
  let hi = POSITIVE.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (POSITIVE[mid] <= a) lo = mid;
    else hi = mid;
  }
  const dLo = a - POSITIVE[lo];
  const dHi = POSITIVE[hi] - a;
  const pick = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
  return sign | pick;
}

describe('fp16', () => {
  it('decodes every bit pattern by the IEEE 754 definition', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const e = (bits >> 10) & 0x1f;
      const magnitude = e === 0x1f ? ((bits & 0x3ff) !== 0 ? NaN : Infinity) : POSITIVE[bits & 0x7fff];
      const expected = bits & 0x8000 ? -magnitude : magnitude;
      if (!Object.is(halfBitsToFloat(bits), expected)) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('round-trips every non-NaN bit pattern', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0) continue;
      if (floatToHalfBits(halfBitsToFloat(bits)) !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('rounds exact ties to the even pattern and just-off-ties to the nearer one', () => {
    for (let bits = 0; bits < 0x7bff; bits += 7) {
      const mid = (POSITIVE[bits] + POSITIVE[bits + 1]) / 2;
      const even = bits % 2 === 0 ? bits : bits + 1;
      expect(floatToHalfBits(mid)).toBe(even);
      expect(floatToHalfBits(-mid)).toBe(0x8000 | even);
      // One double-ulp away from the tie decides it; a float32 detour would round it onto the tie.
      expect(floatToHalfBits(mid * (1 + 2 ** -52))).toBe(bits + 1);
      expect(floatToHalfBits(mid * (1 - 2 ** -52))).toBe(bits);
    }
  });

  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65519.99, 0x7bff],
    [65520, 0x7c00],
    [1e9, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001],
    [2 ** -25, 0x0000],
    [2 ** -25 * 1.0001, 0x0001],
    [2 ** -14, 0x0400],
    [NaN, 0x7e00],
  ])('encodes %p as the bits %p', (value, bits) => {
    expect(floatToHalfBits(value)).toBe(bits);
    expect(referenceHalfBits(value)).toBe(bits);
  });

  it('matches the reference on 200k random doubles across the whole range', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 200_000; i++) {
      const magnitude = 2 ** (random() * 46 - 30); // 2^-30 .. 2^16
      const x = (random() < 0.5 ? -1 : 1) * magnitude;
      const actual = floatToHalfBits(x);
      const expected = referenceHalfBits(x);
      if (actual !== expected) throw new Error(`${x}: got 0x${actual.toString(16)}, want 0x${expected.toString(16)}`);
    }
  });
});
