import { encodeBytesElements } from '@switchyard/common';
import { startTestServer, type TestServer } from './support/inference-server';
import { postBinary, postJson } from './support/v2-client';

/** tritonclient's serialize_byte_tensor / deserialize_bytes_tensor: 4-byte little-endian length, then the bytes. */
function serialize(strings: string[]): Buffer {
  return Buffer.from(encodeBytesElements(strings.map((s) => Buffer.from(s, 'utf8'))));
}
function deserialize(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = bytes.readUInt32LE(at);
    out.push(bytes.toString('utf8', at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

const WORDS = ['hello', '', 'ünïcødé ✓', 'tab\tand\nnewline', 'x'.repeat(1000)];

/** BYTES tensors through a real ORT string Identity model (demo bytes_echo), JSON and binary, in and out. */
describe('BYTES tensors (e2e, cpu:0)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ DISABLED_DEVICES: 'gpu:0', MODELS: 'bytes_echo' });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('lists BYTES in the model metadata', async () => {
    const meta = (await (await fetch(`${server.url}/v2/models/bytes_echo`)).json()) as { inputs: unknown[]; outputs: unknown[] };
    expect(meta.inputs).toEqual([{ name: 'in_bytes', datatype: 'BYTES', shape: [-1] }]);
    expect(meta.outputs).toEqual([{ name: 'out_bytes', datatype: 'BYTES', shape: [-1] }]);
  });

  it('round-trips strings as JSON in and JSON out', async () => {
    const res = await postJson(server.url, '/v2/models/bytes_echo/infer', {
      inputs: [{ name: 'in_bytes', datatype: 'BYTES', shape: [5], data: WORDS }],
    });
    expect(res.status).toBe(200);
    expect(res.json.outputs).toEqual([{ name: 'out_bytes', datatype: 'BYTES', shape: [5], data: WORDS }]);
  });

  it('round-trips length-prefixed binary in and binary out (tritonclient with binary_data=True)', async () => {
    const bytes = serialize(WORDS);
    const res = await postBinary(server.url, '/v2/models/bytes_echo/infer', { parameters: { binary_data_output: true } }, [
      { name: 'in_bytes', datatype: 'BYTES', shape: [5], bytes },
    ]);
    expect(res.status).toBe(200);
    expect(res.json.outputs).toEqual([
      { name: 'out_bytes', datatype: 'BYTES', shape: [5], parameters: { binary_data_size: bytes.length } },
    ]);
    expect(deserialize(res.binary.get('out_bytes')!)).toEqual(WORDS);
  });

  it('mixes encodings: binary in, JSON out', async () => {
    const res = await postBinary(
      server.url,
      '/v2/models/bytes_echo/infer',
      { outputs: [{ name: 'out_bytes', parameters: { binary_data: false } }] },
      [{ name: 'in_bytes', datatype: 'BYTES', shape: [2], bytes: serialize(['a', 'bc']) }],
    );
    expect(res.status).toBe(200);
    expect(res.json.outputs[0].data).toEqual(['a', 'bc']);
  });

  it('refuses malformed BYTES with a clear 400', async () => {
    const truncated = Buffer.concat([serialize(['ok']), Buffer.from([9, 0, 0, 0, 65])]);
    const bad = await postBinary(server.url, '/v2/models/bytes_echo/infer', {}, [
      { name: 'in_bytes', datatype: 'BYTES', shape: [2], bytes: truncated },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain("input 'in_bytes': its BYTES data element 1 claims 9 bytes but only 1 follow");
    const count = await postBinary(server.url, '/v2/models/bytes_echo/infer', {}, [
      { name: 'in_bytes', datatype: 'BYTES', shape: [3], bytes: serialize(['a', 'b']) },
    ]);
    expect(count.status).toBe(400);
    expect(count.json.error).toContain('holds 2 elements but the shape needs 3');
    const notString = await postJson(server.url, '/v2/models/bytes_echo/infer', {
      inputs: [{ name: 'in_bytes', datatype: 'BYTES', shape: [2], data: ['a', 7] }],
    });
    expect(notString.status).toBe(400);
    expect(notString.json.error).toContain('data[1] = 7 is not a string (BYTES)');
    // onnxruntime's string tensors end at a NUL: refused rather than silently cut
    const nul = await postJson(server.url, '/v2/models/bytes_echo/infer', {
      inputs: [{ name: 'in_bytes', datatype: 'BYTES', shape: [2], data: ['a', 'b\u0000c'] }],
    });
    expect(nul.status).toBe(400);
    expect(nul.json.error).toContain('BYTES element 1 contains a NUL byte');
    // the server is still serving
    expect(
      (
        await postJson(server.url, '/v2/models/bytes_echo/infer', {
          inputs: [{ name: 'in_bytes', datatype: 'BYTES', shape: [1], data: ['still'] }],
        })
      ).status,
    ).toBe(200);
  });
});
