import { InvalidRequestError } from '@switchyard/common';
import type { ModelTensorSpec } from '@switchyard/models';
import { checkInputValues } from './check-input-values';

const spec = (datatype: ModelTensorSpec['datatype'], extra: Partial<ModelTensorSpec> = {}): ModelTensorSpec => ({
  name: 'x',
  datatype,
  shape: [-1],
  ...extra,
});
const refusal = (run: () => void) => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return (err as Error).message;
  }
  return undefined;
};

describe(checkInputValues.name, () => {
  it('refuses NaN and Infinity in float inputs by default, naming the first bad element', () => {
    expect(refusal(() => checkInputValues(spec('FP32'), new Float32Array([1, NaN, Infinity]).buffer))).toContain(
      "input 'x': element 1 is NaN",
    );
    expect(refusal(() => checkInputValues(spec('FP64'), new Float64Array([1, 2, -Infinity]).buffer))).toContain('element 2 is -Infinity');
    expect(refusal(() => checkInputValues(spec('FP16'), new Uint16Array([0x3c00, 0x7e01]).buffer))).toContain('element 1 is NaN');
    expect(refusal(() => checkInputValues(spec('FP16'), new Uint16Array([0x7bff, 0xfc00]).buffer))).toContain('element 1 is -Infinity');
    expect(refusal(() => checkInputValues(spec('FP32'), new Float32Array([0, -1e-45, 3.4e38]).buffer))).toBeUndefined();
  });

  it('lets them through when allowed, unless a range is set', () => {
    const allowed = spec('FP32', { allowNonFinite: true });
    expect(refusal(() => checkInputValues(allowed, new Float32Array([NaN, Infinity]).buffer))).toBeUndefined();
    const ranged = spec('FP32', { allowNonFinite: true, range: [0, 1] });
    expect(refusal(() => checkInputValues(ranged, new Float32Array([0.5, NaN]).buffer))).toBe(
      "input 'x': element 1 = NaN is outside the input's range [0, 1]",
    );
    expect(refusal(() => checkInputValues(spec('FP16', { allowNonFinite: true }), new Uint16Array([0x7c00]).buffer))).toBeUndefined();
  });

  it('checks ranges inclusively on every numeric type', () => {
    expect(refusal(() => checkInputValues(spec('INT8', { range: [-2, 2] }), new Int8Array([-2, 2, 3]).buffer))).toBe(
      "input 'x': element 2 = 3 is outside the input's range [-2, 2]",
    );
    expect(refusal(() => checkInputValues(spec('UINT32', { range: [0, 10] }), new Uint32Array([10, 0]).buffer))).toBeUndefined();
    expect(refusal(() => checkInputValues(spec('FP16', { range: [0, 1] }), new Uint16Array([0x3c00, 0x4000]).buffer))).toContain(
      'element 1 = 2 is outside',
    );
    expect(refusal(() => checkInputValues(spec('INT64', { range: [-5.5, 5.5] }), new BigInt64Array([-5n, 5n, -6n]).buffer))).toContain(
      'element 2 = -6',
    );
    expect(
      refusal(() => checkInputValues(spec('UINT64', { range: [0, 2 ** 60] }), new BigUint64Array([2n ** 60n, 2n ** 63n]).buffer)),
    ).toContain(`element 1 = ${2n ** 63n}`);
  });

  it('leaves integer, BOOL and BYTES inputs without a range alone', () => {
    expect(refusal(() => checkInputValues(spec('INT32'), new Int32Array([-1, 2 ** 31 - 1]).buffer))).toBeUndefined();
    expect(refusal(() => checkInputValues(spec('BOOL'), new Uint8Array([1, 0]).buffer))).toBeUndefined();
  });
});
