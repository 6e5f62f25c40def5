import type { ServedModel } from '@switchyard/models';
import { syntheticInputs } from './synthetic-inputs';

function fp16ToNumber(bits: number): number {
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  const sign = bits >> 15 ? -1 : 1;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return exp === 0 ? sign * frac * 2 ** -24 : sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

describe(syntheticInputs.name, () => {
  it('builds inputs of the model shapes with the batch dim set, for a batching model', () => {
    const model = {
      maxBatchSize: 32,
      inputs: [
        { name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] },
        { name: 'ids', datatype: 'INT64', shape: [-1, -1] },
      ],
    } as ServedModel;
    const [image, ids] = syntheticInputs(model, 4);
    expect([image.shape, image.data.byteLength]).toEqual([[4, 1, 28, 28], 4 * 784 * 4]);
    expect([...new Float32Array(image.data)].every((v) => v >= -1 && v < 1)).toBe(true);
    expect([ids.shape, ids.data.byteLength]).toEqual([[4, 1], 4 * 8]);
  });

  it('keeps a non-batching model at its shape and fills every dtype with small finite values', () => {
    const dtypes = ['FP16', 'BOOL', 'INT8', 'UINT8', 'INT32'] as const;
    const model = { maxBatchSize: 0, inputs: dtypes.map((d) => ({ name: d, datatype: d, shape: [-1, 64] })) } as ServedModel;
    const out = syntheticInputs(model, 16);
    expect(out.map((t) => t.shape)).toEqual(dtypes.map(() => [1, 64]));
    const half = [...new Uint16Array(out[0].data)].map(fp16ToNumber);
    expect(half.every((v) => Number.isFinite(v) && Math.abs(v) < 1 && Math.abs(v) >= 2 ** -6)).toBe(true);
    expect([...new Uint8Array(out[1].data)].every((v) => v === 0 || v === 1)).toBe(true);
    expect([...new Int32Array(out[4].data)].every((v) => v >= 0 && v < 10)).toBe(true);
  });
});
