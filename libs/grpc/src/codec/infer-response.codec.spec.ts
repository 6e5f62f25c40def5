import { encodeBytesElements, InferenceFailedError, type WireTensor } from '@switchyard/common';
import type { InferResult } from '@switchyard/inference';
import { toModelInferResponse } from './infer-response.codec';

function result(outputs: WireTensor[], requested = outputs.map((o) => o.name)): InferResult {
  return {
    head: {
      model_name: 'm',
      model_version: '2',
      id: 'r',
      parameters: { device: 'cpu:0', policy: 'p', batch_size: 1, queue_ms: 0.125, compute_ms: 1 },
    },
    outputs,
    requested: requested.map((name) => ({ name, binary: false })),
  };
}

const tensor = (name: string, datatype: WireTensor['datatype'], view: ArrayBufferView): WireTensor => ({
  name,
  datatype,
  shape: [view.byteLength / (view as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT!],
  data: view.buffer.slice(0) as ArrayBuffer,
});

describe(toModelInferResponse.name, () => {
  it('answers raw contents as copies, in the requested order, with the envelope as parameters', () => {
    const a = tensor('a', 'FP32', new Float32Array([1.5, -2]));
    const b = tensor('b', 'INT8', new Int8Array([-1, 3]));
    const sut = toModelInferResponse(result([a, b], ['b', 'a']), true);
    expect(sut).toMatchObject({ model_name: 'm', model_version: '2', id: 'r' });
    expect(sut.outputs).toEqual([
      { name: 'b', datatype: 'INT8', shape: [2] },
      { name: 'a', datatype: 'FP32', shape: [2] },
    ]);
    expect([...sut.raw_output_contents[0]]).toEqual([255, 3]);
    expect(new Float32Array(new Uint8Array(sut.raw_output_contents[1]).buffer)).toEqual(new Float32Array([1.5, -2]));
    expect(sut.raw_output_contents[1].buffer).not.toBe(a.data);
    expect(sut.parameters).toEqual({
      device: { string_param: 'cpu:0' },
      policy: { string_param: 'p' },
      batch_size: { int64_param: 1 },
      queue_ms: { double_param: 0.125 },
      compute_ms: { int64_param: 1 },
    });
  });

  it.each([
    ['BOOL', new Uint8Array([1, 0]), { bool_contents: [true, false] }],
    ['INT16', new Int16Array([-300, 2]), { int_contents: [-300, 2] }],
    ['UINT32', new Uint32Array([4_000_000_000, 1]), { uint_contents: [4_000_000_000, 1] }],
    ['INT64', new BigInt64Array([-(2n ** 62n), 5n]), { int64_contents: [String(-(2n ** 62n)), '5'] }],
    ['UINT64', new BigUint64Array([2n ** 63n, 0n]), { uint64_contents: [String(2n ** 63n), '0'] }],
    ['FP64', new Float64Array([0.1, NaN]), { fp64_contents: [0.1, NaN] }],
  ] as const)('answers typed %s contents in their own field, exactly', (datatype, view, contents) => {
    const sut = toModelInferResponse(result([tensor('t', datatype, view)]), false);
    expect(sut.raw_output_contents).toEqual([]);
    expect(sut.outputs[0].contents).toEqual(contents);
  });

  it('answers typed BYTES as bytes_contents', () => {
    const elements = [Buffer.from('a'), Buffer.from([0xff, 0])];
    const t: WireTensor = { name: 's', datatype: 'BYTES', shape: [2], data: encodeBytesElements(elements) };
    expect(toModelInferResponse(result([t]), false).outputs[0].contents).toEqual({ bytes_contents: elements });
  });

  it('answers all raw when an output is FP16 (no typed field; the forms do not mix)', () => {
    const sut = toModelInferResponse(
      result([tensor('h', 'FP16', new Uint16Array([0x3c00])), tensor('f', 'FP32', new Float32Array([1]))]),
      false,
    );
    expect(sut.outputs.every((o) => o.contents === undefined)).toBe(true);
    expect(sut.raw_output_contents.map((b) => b.length)).toEqual([2, 4]);
  });

  it('fails (500) when the model did not return a requested output', () => {
    expect(() => toModelInferResponse(result([], ['x']), true)).toThrow(InferenceFailedError);
  });
});
