/**
 * One short tensor per dtype of the demo model dtype_echo: the JSON values and the bytes they
 * must become, written here by hand (typed arrays, FP16 bit patterns), independent of the codec.
 */
export const DTYPE_CASES = [
  {
    dtype: 'FP32',
    json: [1.5, -2.25, 3.4028234663852886e38, 1.401298464324817e-45, 0],
    bytes: new Float32Array([1.5, -2.25, 3.4028234663852886e38, 1.401298464324817e-45, 0]),
  },
  // FP16 bits by hand: 0.5 = 0x3800, -2 = 0xc000, 65504 = 0x7bff, 2^-24 = 0x0001, 1 = 0x3c00
  { dtype: 'FP16', json: [0.5, -2, 65504, 2 ** -24, 1], bytes: new Uint16Array([0x3800, 0xc000, 0x7bff, 0x0001, 0x3c00]) },
  {
    dtype: 'INT64',
    json: [Number.MIN_SAFE_INTEGER, -1, 0, 1, Number.MAX_SAFE_INTEGER],
    bytes: new BigInt64Array([-(2n ** 53n - 1n), -1n, 0n, 1n, 2n ** 53n - 1n]),
  },
  { dtype: 'INT32', json: [-(2 ** 31), -1, 0, 1, 2 ** 31 - 1], bytes: new Int32Array([-(2 ** 31), -1, 0, 1, 2 ** 31 - 1]) },
  { dtype: 'INT8', json: [-128, -1, 0, 1, 127], bytes: new Int8Array([-128, -1, 0, 1, 127]) },
  { dtype: 'UINT8', json: [0, 1, 128, 254, 255], bytes: new Uint8Array([0, 1, 128, 254, 255]) },
  { dtype: 'BOOL', json: [true, false, false, true, true], bytes: new Uint8Array([1, 0, 0, 1, 1]) },
] as const;

export const inName = (dtype: string) => `in_${dtype.toLowerCase()}`;
export const outName = (dtype: string) => `out_${dtype.toLowerCase()}`;
