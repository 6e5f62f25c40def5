import { encodeInferRequest, splitInferResponse, toInferResult } from './infer-codec';
import { halfToFloat } from './tensor-types';

const headerOf = (encoded: { body: Buffer; headers: Record<string, string> }) =>
  JSON.parse(encoded.body.toString('utf8', 0, Number(encoded.headers['inference-header-content-length']))) as Record<string, any>;

describe(encodeInferRequest.name, () => {
  it('sends typed arrays as binary tensor data after the JSON header, in input order', () => {
    const a = new Float32Array([1, 2]);
    const b = new BigInt64Array([-(2n ** 63n)]);
    const sut = encodeInferRequest(
      [
        { name: 'a', data: a, shape: [1, 2] },
        { name: 'b', data: b },
      ],
      { id: 'x', parameters: { priority: 2 } },
    );
    expect(sut.headers['content-type']).toBe('application/octet-stream');
    const header = headerOf(sut);
    expect(header).toEqual({
      id: 'x',
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [1, 2], parameters: { binary_data_size: 8 } },
        { name: 'b', datatype: 'INT64', shape: [1], parameters: { binary_data_size: 8 } },
      ],
      parameters: { binary_data_output: true, priority: 2 },
    });
    const json = Number(sut.headers['inference-header-content-length']);
    expect(sut.body.subarray(json)).toEqual(Buffer.concat([Buffer.from(a.buffer), Buffer.from(b.buffer)]));
  });

  it('sends JSON when asked, or for plain arrays, and BYTES as length-prefixed elements', () => {
    const json = encodeInferRequest([{ name: 'a', data: new Int32Array([1, -2]) }], { binary: false, binaryOutputs: false });
    expect(json.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(json.body.toString())).toEqual({
      inputs: [{ name: 'a', datatype: 'INT32', shape: [2], data: [1, -2] }],
      parameters: {},
    });
    const mixed = encodeInferRequest([
      { name: 'flags', data: [true, false] },
      { name: 'words', data: ['hi', ''] },
    ]);
    expect(headerOf(mixed).inputs).toEqual([
      { name: 'flags', datatype: 'BOOL', shape: [2], data: [true, false] },
      { name: 'words', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: 10 } },
    ]);
    expect(mixed.body.subarray(-10)).toEqual(Buffer.from([2, 0, 0, 0, 104, 105, 0, 0, 0, 0]));
  });

  it('refuses what it cannot encode faithfully', () => {
    expect(() => encodeInferRequest([{ name: 'h', data: new Uint16Array([0x3c00]), datatype: 'FP16' }], { binary: false })).toThrow(
      /binary/,
    );
    expect(() => encodeInferRequest([{ name: 'n', data: [1, 2] }])).toThrow(/datatype/);
  });
});

describe(splitInferResponse.name, () => {
  const response = (outputs: object[], ...binary: Buffer[]) => {
    const json = Buffer.from(JSON.stringify({ model_name: 'm', model_version: '1', outputs }));
    return { body: Buffer.concat([json, ...binary]), length: json.length };
  };

  it('splits binary outputs in order and reads every output as a typed array', () => {
    const half = Buffer.from(new Uint16Array([0x3800, 0xc000, 0x7c00]).buffer);
    const { body, length } = response(
      [
        { name: 'h', datatype: 'FP16', shape: [3], parameters: { binary_data_size: 6 } },
        { name: 'j', datatype: 'FP32', shape: [2], data: [1.5, null] },
        { name: 'i', datatype: 'INT64', shape: [1], data: [42] },
      ],
      half,
    );
    const { json, binary } = splitInferResponse(body, length);
    const sut = toInferResult(json, binary);
    expect(Array.from(sut.outputs[0].data as Float32Array)).toEqual([0.5, -2, Infinity]);
    expect(sut.outputs[0].bytes).toEqual(half);
    expect(Array.from(sut.outputs[1].data as Float32Array)).toEqual([1.5, NaN]);
    expect(sut.outputs[2].data).toEqual(new BigInt64Array([42n]));
  });

  it('refuses a binary section that does not add up', () => {
    const { body, length } = response([{ name: 'x', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 8 } }], Buffer.alloc(4));
    expect(() => splitInferResponse(body, length)).toThrow(/binary section is 4 bytes, outputs claim 8/);
  });
});

describe(halfToFloat.name, () => {
  it.each([
    [0x0000, 0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0xfc00, -Infinity],
  ])('reads %i as %d', (bits, value) => {
    expect(halfToFloat(bits)).toBe(value);
  });

  it('reads NaN', () => {
    expect(halfToFloat(0x7e00)).toBeNaN();
  });
});
