/**
 * Writes JSON numbers as ASCII straight into a byte buffer: no string per value, no join. Each
 * function takes the position to write at and returns the position after what it wrote; the
 * caller sizes the buffer (see MAX_JSON_BYTES in tensor-json.encoder.ts).
 */

const ZERO = 0x30;
const MINUS = 0x2d;
const DOT = 0x2e;
const SMALL_E = 0x65;
const PLUS = 0x2b;
const NULL_BYTES = [0x6e, 0x75, 0x6c, 0x6c];
/** Powers of ten as doubles; exact up to 1e22, correctly rounded beyond. */
const POW10 = Array.from({ length: 61 }, (_, i) => Number(`1e${i}`));
const scratch = new Uint8Array(24);

/** "00" to "99" as ASCII pairs: two digits per division. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => ZERO + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/** Decimal digits of a non-negative integer below 2^31. */
function digitCount(n: number): number {
  if (n < 100_000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10_000 ? 4 : 5;
  return n < 1_000_000 ? 6 : n < 10_000_000 ? 7 : n < 100_000_000 ? 8 : n < 1_000_000_000 ? 9 : 10;
}

/** A non-negative integer below 2^31, written right to left two digits at a time (int32 arithmetic). */
function writeSmallUint(out: Uint8Array, pos: number, n: number, width: number): number {
  let at = pos + width;
  while (n >= 100) {
    const q = (n / 100) | 0;
    const pair = (n - q * 100) << 1;
    out[--at] = PAIRS[pair + 1];
    out[--at] = PAIRS[pair];
    n = q;
  }
  if (n >= 10) {
    out[--at] = PAIRS[(n << 1) + 1];
    out[--at] = PAIRS[n << 1];
  } else {
    out[--at] = ZERO + n;
  }
  while (at > pos) out[--at] = ZERO; // left padding when width is wider than the digits
  return pos + width;
}

/** A non-negative safe integer in decimal. */
export function writeUint(out: Uint8Array, pos: number, n: number): number {
  if (n < 0x80000000) return writeSmallUint(out, pos, n, digitCount(n));
  // above 2^31: a high part and 8 low digits (doubles hold both exactly)
  const high = Math.floor(n / 1e8);
  const low = n - high * 1e8;
  pos = writeUint(out, pos, high);
  return writeSmallUint(out, pos, low, 8);
}

/** A safe integer in decimal. */
export function writeInt(out: Uint8Array, pos: number, n: number): number {
  if (n < 0) {
    out[pos++] = MINUS;
    n = -n;
  }
  return writeUint(out, pos, n);
}

/** ASCII text as it is (the slow paths' String(v)). */
export function writeAscii(out: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[pos + i] = text.charCodeAt(i);
  return pos + text.length;
}

export function writeNull(out: Uint8Array, pos: number): number {
  for (let i = 0; i < 4; i++) out[pos + i] = NULL_BYTES[i];
  return pos + 4;
}

/**
 * A float32 as JSON with the 9 significant digits that identify it, as
 * `String(Number(v.toPrecision(9)))` prints it (trailing zeros dropped, JS's switch to exponent
 * notation), without building either string. NaN and Infinity become null; -0 keeps its sign.
 *
 * @remarks The 9 digits come from one scaling by a power of ten, which is off by at most a few
 * 1e-7 of a unit in the last digit: a value that close to a rounding tie takes toPrecision's
 * exact path instead.
 */
export function writeFloat32(out: Uint8Array, pos: number, v: number): number {
  if (v !== v || v === Infinity || v === -Infinity) return writeNull(out, pos);
  if (v === 0) {
    if (1 / v < 0) out[pos++] = MINUS;
    out[pos] = ZERO;
    return pos + 1;
  }
  if (v < 0) {
    out[pos++] = MINUS;
    v = -v;
  }
  let exp = Math.floor(Math.log10(v));
  let scaled = scale(v, exp);
  let digits = Math.round(scaled);
  // log10 can be one off near powers of ten; rounding up can carry into a tenth digit
  if (digits >= 1e9) scaled = scale(v, ++exp);
  else if (digits < 1e8) scaled = scale(v, --exp);
  digits = Math.round(scaled);
  const fraction = scaled - Math.floor(scaled);
  if (Math.abs(fraction - 0.5) < 1e-6 || digits < 1e8 || digits >= 1e9) {
    return writeAscii(out, pos, String(Number(v.toPrecision(9))));
  }
  return writeDecimal(out, pos, digits, exp);
}

/** v * 10^(8 - exp): the value with 9 digits before the point. */
function scale(v: number, exp: number): number {
  const k = 8 - exp;
  return k >= 0 ? v * POW10[k] : v / POW10[-k];
}

/** digits (9 of them) * 10^(exp - 8), laid out as Number.prototype.toString does. */
function writeDecimal(out: Uint8Array, pos: number, digits: number, exp: number): number {
  let count = 9;
  while (digits % 10 === 0) {
    digits = (digits / 10) | 0;
    count--;
  }
  writeSmallUint(scratch, 0, digits, count);
  const point = exp + 1; // digits before the decimal point
  if (point >= count && point <= 21) {
    for (let i = 0; i < count; i++) out[pos++] = scratch[i];
    for (let i = count; i < point; i++) out[pos++] = ZERO;
    return pos;
  }
  if (point > 0 && point <= 21) {
    for (let i = 0; i < point; i++) out[pos++] = scratch[i];
    out[pos++] = DOT;
    for (let i = point; i < count; i++) out[pos++] = scratch[i];
    return pos;
  }
  if (point > -6 && point <= 0) {
    out[pos++] = ZERO;
    out[pos++] = DOT;
    for (let i = point; i < 0; i++) out[pos++] = ZERO;
    for (let i = 0; i < count; i++) out[pos++] = scratch[i];
    return pos;
  }
  out[pos++] = scratch[0];
  if (count > 1) {
    out[pos++] = DOT;
    for (let i = 1; i < count; i++) out[pos++] = scratch[i];
  }
  out[pos++] = SMALL_E;
  out[pos++] = exp < 0 ? MINUS : PLUS;
  return writeSmallUint(out, pos, Math.abs(exp), Math.abs(exp) < 10 ? 1 : 2);
}
