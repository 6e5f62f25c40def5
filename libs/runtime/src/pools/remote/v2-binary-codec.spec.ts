import type { WireTensor } from '@switchyard/common';
import { decodeV2Response, encodeV2Request, metadataTensors } from './v2-binary-codec';

const tensor = (name: string, values: number[]): WireTensor => ({
  name,
  datatype: 'FP32',
  shape: [1, values.length],
  data: new Float32Array(values).buffer,
});

/** A binary-extension body as a server writes it: JSON header, then each output's bytes in order. */
function body(outputs: WireTensor[]): { bytes: Buffer; headerLength: number } {
  const json = Buffer.from(
    JSON.stringify({
      outputs: outputs.map((o) => ({
        name: o.name,
        datatype: o.datatype,
        shape: o.shape,
        parameters: { binary_data_size: o.data.byteLength },
      })),
    }),
  );
  return { bytes: Buffer.concat([json, ...outputs.map((o) => new Uint8Array(o.data))]), headerLength: json.length };
}

describe('v2 binary codec (remote tier)', () => {
  it('encodes inputs as a JSON header and their bytes, asking for binary outputs', () => {
    const { body: bytes, headerLength } = encodeV2Request({
      modelKey: 'm@1',
      inputs: [tensor('a', [1, 2]), tensor('b', [3])],
      outputNames: ['y'],
    });
    const head = JSON.parse(bytes.toString('utf8', 0, headerLength));
    expect(head).toEqual({
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [1, 2], parameters: { binary_data_size: 8 } },
        { name: 'b', datatype: 'FP32', shape: [1, 1], parameters: { binary_data_size: 4 } },
      ],
      outputs: [{ name: 'y', parameters: { binary_data: true } }],
      parameters: { binary_data_output: true },
    });
    expect([...new Float32Array(new Uint8Array(bytes.subarray(headerLength)).buffer)]).toEqual([1, 2, 3]);
  });

  it('decodes each binary output into a buffer of its own', () => {
    const { bytes, headerLength } = body([tensor('y', [0.5, -1]), tensor('z', [7])]);
    const sut = decodeV2Response(bytes, headerLength);
    expect(sut.map((t) => [t.name, t.shape, [...new Float32Array(t.data)]])).toEqual([
      ['y', [1, 2], [0.5, -1]],
      ['z', [1, 1], [7]],
    ]);
  });

  it.each([
    ['an output past the end', (b: Buffer) => b.subarray(0, b.length - 1), /claims 4 bytes past the end of the body/],
    ['a header length past the body', (b: Buffer) => b, /does not fit/, 10_000],
  ])('refuses %s', (_case, cut, message, headerLength?: number) => {
    const { bytes, headerLength: real } = body([tensor('z', [7])]);
    expect(() => decodeV2Response(cut(bytes), headerLength ?? real)).toThrow(message);
  });

  it('refuses outputs sent as JSON values', () => {
    const json = Buffer.from(JSON.stringify({ outputs: [{ name: 'y', datatype: 'FP32', shape: [1], data: [1] }] }));
    expect(() => decodeV2Response(json, undefined)).toThrow('output "y" came as JSON values, not binary data');
  });

  it('reads metadata tensors and refuses invalid ones', () => {
    expect(metadataTensors([{ name: 'x', datatype: 'INT64', shape: [-1, 3] }], 'input')).toEqual([
      { name: 'x', datatype: 'INT64', shape: [-1, 3] },
    ]);
    expect(() => metadataTensors([{ name: 'x', datatype: 'FLOAT', shape: [1] }], 'input')).toThrow('invalid input');
    expect(() => metadataTensors(undefined, 'output')).toThrow('its metadata has no output list');
  });
});
