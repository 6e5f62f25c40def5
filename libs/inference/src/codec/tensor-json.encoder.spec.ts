import { seededRandom } from '@switchyard/common';
import { halfBitsToFloat } from './fp16';
import { bufferToJsonBytes, bufferToJsonText } from './tensor-json.encoder';

/** Random 32-bit words: every float32 exponent, subnormals, NaNs and infinities included. */
function randomWords(count: number, seed: number): Uint32Array<ArrayBuffer> {
  const random = seededRandom(seed);
  const words = new Uint32Array(count);
  for (let i = 0; i < count; i++) words[i] = Math.floor(random() * 2 ** 32);
  return words;
}

/** The text the format is defined by: 9 significant digits, then JS's own number printing. */
function float32Reference(v: number): string {
  if (!Number.isFinite(v)) return 'null';
  if (Object.is(v, -0)) return '-0';
  return String(Number(v.toPrecision(9)));
}

describe('bufferToJsonBytes', () => {
  it('prints FP32 with the 9 digits that identify each float32, for random bit patterns', () => {
    const floats = new Float32Array(randomWords(200_000, 7).buffer);
    const text = bufferToJsonText(floats.buffer, 'FP32');
    expect(text).toBe(`[${Array.from(floats, float32Reference).join(',')}]`);
    const parsed: Array<number | null> = JSON.parse(text);
    floats.forEach((v, i) => {
      if (Number.isFinite(v)) expect(Object.is(Math.fround(parsed[i]!), v)).toBe(true);
      else expect(parsed[i]).toBeNull();
    });
  });

  it('prints FP32 values on rounding ties, carries and notation switches like toPrecision(9)', () => {
    const values = [
      1 + 2 ** -9, // 1.001953125: a tie at the 9th digit (toPrecision rounds up)
      -(1 + 2 ** -9),
      0.1,
      1e-7,
      1e-6,
      9.99999999e20,
      1e21,
      123456789,
      999999999.5,
      2 ** 24,
      3.4028234663852886e38,
      1.401298464324817e-45,
      1.1754943508222875e-38,
      ...Array.from({ length: 77 }, (_, i) => 10 ** (i - 38)),
      ...Array.from({ length: 77 }, (_, i) => Math.fround(10 ** (i - 38)) * (1 - 2 ** -24)),
    ];
    const floats = Float32Array.from(values);
    expect(bufferToJsonText(floats.buffer, 'FP32')).toBe(`[${Array.from(floats, float32Reference).join(',')}]`);
  });

  it('prints every FP16 value exactly (all 65536 bit patterns)', () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const parsed: Array<number | null> = JSON.parse(bufferToJsonText(bits.buffer, 'FP16'));
    bits.forEach((b, i) => {
      const v = halfBitsToFloat(b);
      if (Number.isFinite(v)) expect(Object.is(parsed[i], v)).toBe(true);
      else expect(parsed[i]).toBeNull();
    });
  });

  it('prints FP64 as JSON.stringify does (shortest round trip)', () => {
    const random = seededRandom(11);
    const values = [0, 1, -1, 0.1, Math.PI, 1e21, 1e-7, 2 ** 53, -(2 ** 53) + 1, Number.MAX_VALUE, Number.MIN_VALUE];
    for (let i = 0; i < 20_000; i++)
      values.push((random() - 0.5) * 10 ** Math.floor(random() * 40 - 20), Math.floor((random() - 0.5) * 2 ** 40));
    const floats = Float64Array.from(values);
    expect(bufferToJsonText(floats.buffer, 'FP64')).toBe(JSON.stringify(values));
    expect(bufferToJsonText(new Float64Array([-0, NaN, -Infinity]).buffer, 'FP64')).toBe('[-0,null,null]');
  });

  it('prints INT64 and UINT64 exactly, inside and outside the safe integer range', () => {
    const words = randomWords(40_000, 3);
    // small magnitudes too, where the fast path takes over
    for (let i = 0; i < words.length; i += 4) words[i + 1] = i % 8 === 0 ? 0 : 0xffffffff;
    const signed = new BigInt64Array(words.buffer);
    const unsigned = new BigUint64Array(words.buffer);
    expect(bufferToJsonText(words.buffer, 'INT64')).toBe(`[${signed.join(',')}]`);
    expect(bufferToJsonText(words.buffer, 'UINT64')).toBe(`[${unsigned.join(',')}]`);
    const edges = new BigInt64Array([0n, -1n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n]);
    expect(bufferToJsonText(edges.buffer, 'INT64')).toBe(`[${edges.join(',')}]`);
  });

  it.each(['INT8', 'UINT8', 'INT16', 'UINT16', 'INT32', 'UINT32'] as const)('prints %s as JSON.stringify does', (datatype) => {
    const words = randomWords(10_000, 5);
    words.set([0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 10, 100, 99_999_999, 100_000_000]);
    const view = { INT8: Int8Array, UINT8: Uint8Array, INT16: Int16Array, UINT16: Uint16Array, INT32: Int32Array, UINT32: Uint32Array }[
      datatype
    ];
    expect(bufferToJsonText(words.buffer, datatype)).toBe(JSON.stringify(Array.from(new view(words.buffer))));
  });

  it('prints BOOL as true/false', () => {
    const bytes = Uint8Array.from([1, 0, 0, 1, 7]);
    expect(bufferToJsonText(bytes.buffer, 'BOOL')).toBe('[true,false,false,true,true]');
  });

  it('prints an empty tensor as []', () => {
    expect(bufferToJsonBytes(new ArrayBuffer(0), 'FP32').toString()).toBe('[]');
  });
});
