import { gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from './support/inference-server';

const BODY_LIMIT = 65536;
const MLP = '/v2/models/mlp_tiny/infer';
const ECHO = '/v2/models/dtype_echo/infer';
const row = Array.from({ length: 16 }, (_, i) => i / 16);
const mlp = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: row, ...input }], ...extra });
const echoInputs = ['FP32', 'FP16', 'INT64', 'INT32', 'INT8', 'UINT8', 'BOOL'].map((d) => ({
  name: `in_${d.toLowerCase()}`,
  datatype: d,
  shape: [1],
  data: [d === 'BOOL' ? true : 1],
}));
const echoWith = (replace: Record<string, unknown>) =>
  JSON.stringify({ inputs: echoInputs.map((i) => (i.name === replace.name ? { ...i, ...replace } : i)) });
/** A binary request: JSON header + bytes, with the header length given (or a wrong one). */
const binary = (header: unknown, bytes: Buffer, headerLength?: number) => {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, bytes]), headers: { 'inference-header-content-length': String(headerLength ?? json.length) } };
};
const binaryInput = (size: number) => ({
  inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], parameters: { binary_data_size: size } }],
});

interface ErrorCase {
  what: string;
  method?: 'GET' | 'POST';
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  error: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };

const CASES: ErrorCase[] = [
  {
    what: 'unknown model (infer)',
    path: '/v2/models/nope/infer',
    body: mlp({}),
    headers: JSON_TYPE,
    status: 404,
    error: 'unknown model "nope"',
  },
  {
    what: 'unknown version (infer)',
    path: '/v2/models/mlp_tiny/versions/9/infer',
    body: mlp({}),
    headers: JSON_TYPE,
    status: 404,
    error: 'unknown version "9"',
  },
  { what: 'unknown model (metadata)', method: 'GET', path: '/v2/models/nope', status: 404, error: 'unknown model' },
  { what: 'unknown model (ready)', method: 'GET', path: '/v2/models/nope/ready', status: 404, error: 'unknown model' },
  { what: 'unknown version (config)', method: 'GET', path: '/v2/models/mlp_tiny/versions/3/config', status: 404, error: 'unknown version' },
  { what: 'unknown route', method: 'GET', path: '/v2/nothing/here', status: 404, error: 'Cannot GET /v2/nothing/here' },
  {
    what: 'malformed JSON with a JSON content type',
    path: MLP,
    body: '{"inputs": [',
    headers: JSON_TYPE,
    status: 400,
    error: 'malformed JSON',
  },
  { what: 'malformed JSON without a content type', path: MLP, body: Buffer.from('{"inputs": ['), status: 400, error: 'malformed JSON' },
  { what: 'a JSON array', path: MLP, body: '[1,2,3]', headers: JSON_TYPE, status: 400, error: 'must be a JSON object' },
  { what: 'an empty body', path: MLP, body: '', headers: JSON_TYPE, status: 400, error: 'no body' },
  { what: 'no inputs', path: MLP, body: '{"inputs": []}', headers: JSON_TYPE, status: 400, error: '"inputs" must be a non-empty array' },
  {
    what: 'a missing input',
    path: ECHO,
    body: JSON.stringify({ inputs: echoInputs.slice(1) }),
    headers: JSON_TYPE,
    status: 400,
    error: "missing input(s) 'in_fp32'",
  },
  {
    what: 'an extra input',
    path: MLP,
    body: JSON.stringify({ inputs: [JSON.parse(mlp({})).inputs[0], { name: 'x', datatype: 'FP32', shape: [1], data: [1] }] }),
    headers: JSON_TYPE,
    status: 400,
    error: "unexpected input 'x'",
  },
  {
    what: 'a wrong datatype',
    path: MLP,
    body: mlp({ datatype: 'INT32' }),
    headers: JSON_TYPE,
    status: 400,
    error: "datatype INT32 does not match the model's FP32",
  },
  {
    what: 'an unknown datatype',
    path: MLP,
    body: mlp({ datatype: 'FLOAT' }),
    headers: JSON_TYPE,
    status: 400,
    error: 'datatype "FLOAT" is not supported',
  },
  { what: 'a wrong rank', path: MLP, body: mlp({ shape: [16] }), headers: JSON_TYPE, status: 400, error: 'has rank 1' },
  {
    what: 'a wrong fixed dim',
    path: MLP,
    body: mlp({ shape: [1, 17], data: [...row, 0] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'at dim 1',
  },
  {
    what: 'batch 0',
    path: MLP,
    body: mlp({ shape: [0, 16], data: [] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'batch size 0 is outside 1..64',
  },
  {
    what: 'batch over max_batch_size',
    path: MLP,
    body: mlp({ shape: [65, 16], data: new Array(65 * 16).fill(0) }),
    headers: JSON_TYPE,
    status: 400,
    error: 'batch size 65 is outside 1..64',
  },
  {
    what: 'too few values',
    path: MLP,
    body: mlp({ data: row.slice(1) }),
    headers: JSON_TYPE,
    status: 400,
    error: '"data" has 15 values but shape [1,16] needs 16',
  },
  {
    what: 'a value of the wrong type',
    path: MLP,
    body: mlp({ data: [...row.slice(1), 'x'] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'is not a valid FP32 value',
  },
  {
    what: 'an INT8 value out of range',
    path: ECHO,
    body: echoWith({ name: 'in_int8', data: [300] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'is not a valid INT8 value',
  },
  {
    what: 'an INT64 beyond 2^53 in JSON',
    path: ECHO,
    body: echoWith({ name: 'in_int64', data: [2 ** 60] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'is not a valid INT64 value',
  },
  {
    what: 'a negative dim',
    path: ECHO,
    body: echoWith({ name: 'in_int8', shape: [-1] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'has the dimension -1',
  },
  {
    what: 'a fractional dim',
    path: ECHO,
    body: echoWith({ name: 'in_int8', shape: [0.5] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'has the dimension 0.5',
  },
  {
    what: 'a string dim',
    path: ECHO,
    body: echoWith({ name: 'in_int8', shape: ['1'] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'has the dimension "1"',
  },
  {
    what: 'an astronomic dim',
    path: ECHO,
    body: echoWith({ name: 'in_int8', shape: [1e300] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'has the dimension 1e+300',
  },
  {
    what: 'a dim over the element limit',
    path: ECHO,
    body: echoWith({ name: 'in_int8', shape: [2 ** 40] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'elements, the limit',
  },
  {
    what: 'data nested deeper than the shape',
    path: ECHO,
    body: echoWith({ name: 'in_int8', data: [[[1]]] }),
    headers: JSON_TYPE,
    status: 400,
    error: 'nested deeper',
  },
  {
    what: 'an unknown output',
    path: MLP,
    body: mlp({}, { outputs: [{ name: 'logits' }] }),
    headers: JSON_TYPE,
    status: 400,
    error: "unknown output 'logits'",
  },
  {
    what: 'a negative priority',
    path: MLP,
    body: mlp({}, { parameters: { priority: -1 } }),
    headers: JSON_TYPE,
    status: 400,
    error: 'parameter "priority" must be a non-negative integer',
  },
  {
    what: 'a timeout that is not a number',
    path: MLP,
    body: mlp({}, { parameters: { timeout: '1s' } }),
    headers: JSON_TYPE,
    status: 400,
    error: 'parameter "timeout"',
  },
  {
    what: 'an unknown policy',
    path: MLP,
    body: mlp({}, { parameters: { policy: 'best-guess' } }),
    headers: JSON_TYPE,
    status: 400,
    error: 'best-guess',
  },
  {
    what: 'an unknown pinned device',
    path: MLP,
    body: mlp({}, { parameters: { device: 'npu:7' } }),
    headers: JSON_TYPE,
    status: 404,
    error: 'unknown device "npu:7"',
  },
  {
    what: 'binary_data_size not matching the shape',
    path: MLP,
    ...binary(binaryInput(60), Buffer.alloc(60)),
    status: 400,
    error: 'binary_data_size is 60 bytes but shape [1,16] of FP32 needs 64',
  },
  {
    what: 'binary bytes not matching binary_data_size',
    path: MLP,
    ...binary(binaryInput(64), Buffer.alloc(70)),
    status: 400,
    error: "is 70 bytes but the inputs' binary_data_size add up to 64",
  },
  {
    what: 'binary_data_size without a binary section',
    path: MLP,
    body: JSON.stringify(binaryInput(64)),
    headers: JSON_TYPE,
    status: 400,
    error: 'no binary data',
  },
  {
    what: 'a header length past the body',
    path: MLP,
    ...binary(binaryInput(64), Buffer.alloc(64), 100_000),
    status: 400,
    error: 'is larger than the body',
  },
  {
    what: 'a header length that is not a number',
    path: MLP,
    ...binary(binaryInput(64), Buffer.alloc(64)),
    headers: { 'inference-header-content-length': 'twelve' },
    status: 400,
    error: 'is not a byte count',
  },
  {
    what: 'a body over the limit',
    path: MLP,
    body: mlp({ data: new Array(BODY_LIMIT).fill(0.123456789) }),
    headers: JSON_TYPE,
    status: 413,
    error: `larger than the limit of ${BODY_LIMIT} bytes`,
  },
  {
    what: 'a binary body over the limit',
    path: MLP,
    ...binary(binaryInput(64), Buffer.alloc(BODY_LIMIT)),
    status: 413,
    error: 'larger than the limit',
  },
  {
    what: 'a gzip body inflating past the limit',
    path: MLP,
    body: gzipSync(Buffer.alloc(BODY_LIMIT * 4, 32)),
    headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
    status: 413,
    error: 'decompressed request body is larger than the limit',
  },
  {
    what: 'an unsupported Content-Encoding',
    path: MLP,
    body: mlp({}),
    headers: { ...JSON_TYPE, 'content-encoding': 'br' },
    status: 400,
    error: 'unsupported Content-Encoding',
  },
  {
    what: 'a malformed Content-Type',
    path: MLP,
    body: mlp({}),
    headers: { 'content-type': 'json' },
    status: 415,
    error: 'unsupported or malformed Content-Type',
  },
  {
    what: 'sequence batching',
    path: MLP,
    body: mlp({}, { parameters: { sequence_id: 5 } }),
    headers: JSON_TYPE,
    status: 400,
    error: 'sequence batching',
  },
  {
    what: 'shared memory',
    path: MLP,
    body: mlp({ parameters: { shared_memory_region: 'r' } }),
    headers: JSON_TYPE,
    status: 400,
    error: 'shared memory',
  },
];

/**
 * Every bad input gets the right 4xx as {"error": "..."} and the service keeps answering: with
 * small JSON bodies parsed as objects on the main thread, and with every body kept raw and read by
 * parseInferJson on a codec thread (what big bodies get), the same errors.
 */
describe.each([
  ['small JSON bodies parsed on the main thread', {}],
  ['every body read by the inference body parser on a codec thread', { CODEC_OFFLOAD_BYTES: 0 }],
])('Inference API errors (e2e): %s', (_how, overrides: Record<string, number>) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      DISABLED_DEVICES: 'gpu:0',
      BODY_LIMIT_BYTES: BODY_LIMIT,
      MAX_TENSOR_ELEMENTS: 1 << 20,
      ...overrides,
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it.each(CASES.map((c) => [c.what, c]))('answers %s with the right status and {"error"}', async (_what, c) => {
    const res = await fetch(`${server.url}${c.path}`, { method: c.method ?? 'POST', headers: c.headers, body: c.body });
    const text = await res.text();
    expect({ status: res.status, text }).toEqual({ status: c.status, text: expect.any(String) });
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = JSON.parse(text);
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toContain(c.error);
    const live = await fetch(`${server.url}/v2/health/live`);
    expect(live.status).toBe(200);
  });

  it('refuses or drops a job whose timeout cannot be met, with Retry-After on a 429', async () => {
    const res = await fetch(`${server.url}${MLP}`, { method: 'POST', headers: JSON_TYPE, body: mlp({}, { parameters: { timeout: 1 } }) });
    const body = (await res.json()) as { error: unknown };
    expect([429, 504]).toContain(res.status);
    expect(typeof body.error).toBe('string');
    if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('still serves a good request after all the bad ones', async () => {
    const res = await fetch(`${server.url}${MLP}`, { method: 'POST', headers: JSON_TYPE, body: mlp({}) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { outputs: Array<{ shape: number[] }> }).outputs[0].shape).toEqual([1, 8]);
  });
});
