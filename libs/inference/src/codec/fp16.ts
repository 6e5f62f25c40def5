/**
 * A JS number (binary64) -> IEEE 754 binary16 bits, rounded once to nearest, ties to even (as
 * numpy's float64 -> float16 cast). Going through float32 first would round twice. Values from
 * 65520 up become Infinity; NaN becomes the quiet NaN 0x7e00.
 */
export function floatToHalfBits(value: number): number {
  if (value !== value) return 0x7e00;
  const sign = value < 0 || (value === 0 && 1 / value < 0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal; 1024 is the smallest normal
  // the exponent straight from the double's bits (a is a normal double here): no log2 to correct
  word[0] = a;
  let e = ((high[HIGH_WORD] >>> 20) & 0x7ff) - 1023;
  let m = roundHalfEven(a * SCALE[e + 14]); // a * 2^(10 - e), exact: in [1024, 2048]
  if (m === 2048) {
    m = 1024;
    e += 1;
  }
  if (e + 15 >= 0x1f) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | (m - 1024);
}

const word = new Float64Array(1);
const high = new Uint32Array(word.buffer);
/** Index of the word holding sign and exponent (1 on little-endian hosts). */
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** 2^(10 - e) for the normal half exponents e = -14..15. */
const SCALE = Array.from({ length: 30 }, (_, i) => 2 ** (10 - (i - 14)));

/** IEEE 754 binary16 bits -> the number they hold (exact). */
export function halfBitsToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}
