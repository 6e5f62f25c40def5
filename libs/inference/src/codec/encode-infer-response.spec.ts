import type { WireTensor } from '@switchyard/common';
import { encodeBytesElements } from '@switchyard/common';
import { encodeInferResponse } from './encode-infer-response';
import { ownsMemory } from './worker/owns-memory';

const head = {
  model_name: 'm',
  model_version: '1',
  id: 'req-1',
  parameters: { device: 'cpu:0', policy: 'least-loaded', batch_size: 2, queue_ms: 0.1, compute_ms: 0.5 },
};

function tensor(name: string, datatype: WireTensor['datatype'], shape: number[], data: ArrayBufferView): WireTensor {
  return { name, datatype, shape, data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer };
}

const outputs = [
  tensor('a', 'FP32', [2], new Float32Array([1.5, -2])),
  tensor('b', 'INT64', [1, 2], new BigInt64Array([3n, -4n])),
  tensor('c', 'BOOL', [3], new Uint8Array([1, 0, 1])),
];

/** Parses a response the way tritonclient's InferResult does (http/_infer_result.py). */
function parseLikeTritonclient(body: Buffer, headerLength?: number) {
  const json = JSON.parse(body.toString('utf8', 0, headerLength ?? body.length));
  const buffer = headerLength === undefined ? Buffer.alloc(0) : body.subarray(headerLength);
  const binary = new Map<string, Buffer>();
  let index = 0;
  for (const output of json.outputs) {
    const size = output.parameters?.binary_data_size;
    if (size !== undefined) {
      binary.set(output.name, buffer.subarray(index, index + size));
      index += size;
    }
  }
  return { json, binary, trailing: buffer.length - index };
}

describe(encodeInferResponse.name, () => {
  it('encodes all-JSON outputs in the requested order', () => {
    const sut = encodeInferResponse(head, outputs, [
      { name: 'c', binary: false },
      { name: 'a', binary: false },
    ]);
    expect(sut.contentType).toBe('application/json');
    expect(sut.headerLength).toBeUndefined();
    expect(JSON.parse(sut.body.toString())).toEqual({
      ...head,
      outputs: [
        { name: 'c', datatype: 'BOOL', shape: [3], data: [true, false, true] },
        { name: 'a', datatype: 'FP32', shape: [2], data: [1.5, -2] },
      ],
    });
  });

  it('appends binary outputs after the JSON header in the order listed', () => {
    const sut = encodeInferResponse(head, outputs, [
      { name: 'b', binary: true },
      { name: 'a', binary: false },
      { name: 'c', binary: true },
    ]);
    expect(sut.contentType).toBe('application/octet-stream');
    const parsed = parseLikeTritonclient(sut.body, sut.headerLength);
    expect(parsed.trailing).toBe(0);
    expect(parsed.json.outputs[0]).toEqual({ name: 'b', datatype: 'INT64', shape: [1, 2], parameters: { binary_data_size: 16 } });
    expect(parsed.json.outputs[1].data).toEqual([1.5, -2]);
    const b = parsed.binary.get('b')!;
    expect([...new BigInt64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length))]).toEqual([3n, -4n]);
    expect([...parsed.binary.get('c')!]).toEqual([1, 0, 1]);
  });

  it('omits the id when the request had none', () => {
    const { id: _id, ...noId } = head;
    const sut = encodeInferResponse(noId, outputs, [{ name: 'a', binary: false }]);
    expect(JSON.parse(sut.body.toString())).not.toHaveProperty('id');
  });

  it('writes non-ASCII names and BYTES text as UTF-8, the body exactly as long as its bytes', () => {
    const words = encodeBytesElements(['größe', '✓'].map((w) => Buffer.from(w, 'utf8')));
    const named = [tensor('größe', 'BYTES', [2], new Uint8Array(words)), tensor('ß', 'FP32', [1], new Float32Array([0.25]))];
    const sut = encodeInferResponse({ ...head, id: 'id-✓' }, named, [
      { name: 'größe', binary: false },
      { name: 'ß', binary: true },
    ]);
    const parsed = parseLikeTritonclient(sut.body, sut.headerLength);
    expect(parsed.trailing).toBe(0);
    expect(parsed.json.id).toBe('id-✓');
    expect(parsed.json.outputs[0]).toEqual({ name: 'größe', datatype: 'BYTES', shape: [2], data: ['größe', '✓'] });
    expect([...new Float32Array(new Uint8Array(parsed.binary.get('ß')!).buffer)]).toEqual([0.25]);
  });

  it('gives every response its own bytes: a later response does not change an earlier one; a large one owns its memory', () => {
    const first = encodeInferResponse(head, outputs, [{ name: 'a', binary: false }]);
    const copy = Buffer.from(first.body);
    encodeInferResponse(head, [tensor('a', 'FP32', [2], new Float32Array([7, 8]))], [{ name: 'a', binary: false }]);
    expect(first.body.equals(copy)).toBe(true);
    // a small body is a slice of Node's buffer pool (cheap); a large one, as the codec worker
    // encodes, spans its own ArrayBuffer, which the worker can move to the main thread (ownsMemory)
    // Node's pool is 8 KiB on Node 20 and 64 KiB on Node 24: a body of four times its size
    const n = Buffer.poolSize;
    const large = encodeInferResponse(head, [tensor('a', 'FP32', [n], new Float32Array(n).fill(0.5))], [{ name: 'a', binary: false }]);
    expect(large.body.length).toBeGreaterThan(Buffer.poolSize);
    expect(ownsMemory(large.body)).toBe(true);
    expect(JSON.parse(large.body.toString()).outputs[0].data).toEqual(new Array(n).fill(0.5));
  });

  it('fails with a 500 when the model did not return a requested output', () => {
    expect(() => encodeInferResponse(head, outputs, [{ name: 'zz', binary: false }])).toThrow("did not return output 'zz'");
  });
});
