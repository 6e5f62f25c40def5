import { encodeInferRequest } from '../clients';
import { startTestServer, type TestServer } from './support/inference-server';
import { DTYPE_CASES as CASES, inName, outName } from './support/dtype-cases';
import { bytesOf, postBinary, postJson } from './support/v2-client';

/** dtype_echo (Identity per dtype) round-trips every element type in JSON and in binary. */
describe('dtype_echo (e2e)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ DISABLED_DEVICES: 'gpu:0' });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('round-trips every dtype as JSON', async () => {
    const res = await postJson(server.url, '/v2/models/dtype_echo/infer', {
      inputs: CASES.map((c) => ({ name: inName(c.dtype), datatype: c.dtype, shape: [c.json.length], data: c.json })),
    });
    expect(res.status).toBe(200);
    for (const c of CASES) {
      const output = res.json.outputs.find((o: { name: string }) => o.name === outName(c.dtype));
      expect(output.datatype).toBe(c.dtype);
      expect(output.shape).toEqual([c.json.length]);
      // FP32 prints the 9 digits that identify the float32; compare as float32.
      const data = c.dtype === 'FP32' ? output.data.map(Math.fround) : output.data;
      expect(data).toEqual(c.dtype === 'FP32' ? c.json.map(Math.fround) : c.json);
    }
  });

  it('round-trips every dtype as binary data, byte for byte', async () => {
    const res = await postBinary(
      server.url,
      '/v2/models/dtype_echo/infer',
      { parameters: { binary_data_output: true } },
      CASES.map((c) => ({ name: inName(c.dtype), datatype: c.dtype, shape: [c.bytes.length], bytes: bytesOf(c.bytes) })),
    );
    expect(res.status).toBe(200);
    for (const c of CASES) {
      expect(res.binary.get(outName(c.dtype))).toEqual(bytesOf(c.bytes));
    }
  });

  it('writes binary INT64 outside the JS-safe range back as exact JSON integers', async () => {
    const big = new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]);
    const inputs = CASES.map((c) =>
      c.dtype === 'INT64'
        ? { name: inName(c.dtype), datatype: c.dtype, shape: [2], bytes: bytesOf(big) }
        : { name: inName(c.dtype), datatype: c.dtype, shape: [c.bytes.length], bytes: bytesOf(c.bytes) },
    );
    // the client's encoder; the answer is read as text (JSON.parse would round these integers)
    const { body, headers } = encodeInferRequest(inputs, { outputs: [{ name: 'out_int64' }], binaryOutputs: false });
    const res = await fetch(`${server.url}/v2/models/dtype_echo/infer`, { method: 'POST', headers, body });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"data":[-9223372036854775808,9223372036854775807]');
  });

  it('rounds FP16 JSON numbers to the nearest half', async () => {
    const inputs = CASES.map((c) =>
      c.dtype === 'FP16'
        ? { name: inName(c.dtype), datatype: c.dtype, shape: [3], data: [0.1, 1 / 3, 65519] }
        : { name: inName(c.dtype), datatype: c.dtype, shape: [c.json.length], data: c.json },
    );
    const res = await postJson(server.url, '/v2/models/dtype_echo/infer', {
      inputs,
      outputs: [{ name: 'out_fp16', parameters: { binary_data: true } }],
    });
    expect(res.status).toBe(200);
    // 0.1 -> 0x2e66 (0.0999755859375), 1/3 -> 0x3555 (0.333251953125), 65519 -> 65504 0x7bff (the
    // largest half; 65520 and up round to Infinity, refused: see input-filtering.e2e-spec)
    expect(res.binary.get('out_fp16')).toEqual(bytesOf(new Uint16Array([0x2e66, 0x3555, 0x7bff])));
  });
});
