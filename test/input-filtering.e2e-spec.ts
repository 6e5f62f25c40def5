import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './support/inference-server';
import { modelRepository } from './support/repo-paths';
import { bytesOf, postBinary, postJson } from './support/v2-client';

const DTYPES = ['FP32', 'FP16', 'INT64', 'INT32', 'INT8', 'UINT8', 'BOOL'] as const;
type Dtype = (typeof DTYPES)[number];
const inName = (d: Dtype) => `in_${d.toLowerCase()}`;
const json = (d: Dtype, data: unknown[]) => ({ name: inName(d), datatype: d, shape: [data.length], data });
const ZERO: Record<Dtype, unknown> = { FP32: 0, FP16: 0, INT64: 0, INT32: 0, INT8: 0, UINT8: 0, BOOL: false };
/** All of dtype_echo's inputs with zeros, `over` replacing some. */
const echoInputs = (over: Partial<Record<Dtype, unknown[]>>) => DTYPES.map((d) => json(d, over[d] ?? [ZERO[d]]));
const zerosBinary = (over: Partial<Record<Dtype, Buffer>>) =>
  DTYPES.map((d) => {
    const size = { FP32: 4, FP16: 2, INT64: 8, INT32: 4, INT8: 1, UINT8: 1, BOOL: 1 }[d];
    const bytes = over[d] ?? Buffer.alloc(size);
    return { name: inName(d), datatype: d, shape: [bytes.length / size], bytes };
  });

/**
 * Input filtering on the real app: NaN and Infinity in float inputs (JSON numbers that overflow
 * their type, binary NaN/Inf bit patterns) are refused with a 400 naming the input and element,
 * unless the model's config.json allows them; per-input ranges from config.json refuse the first
 * value outside them. The same path serves JSON, binary, big bodies (decoded on a codec worker)
 * and job submissions.
 */
describe('Input filtering: non-finite floats and ranges (e2e)', () => {
  const repo = mkdtempSync(join(tmpdir(), 'sy-filter-repo-'));
  let server: TestServer;

  const copyEcho = (name: string, edit: (config: any) => void) => {
    cpSync(join(modelRepository(), 'dtype_echo'), join(repo, name), { recursive: true });
    const path = join(repo, name, 'config.json');
    const config = { ...JSON.parse(readFileSync(path, 'utf8')), name };
    edit(config);
    writeFileSync(path, JSON.stringify(config));
  };
  const input = (config: any, name: string) => config.input.find((i: { name: string }) => i.name === name);

  beforeAll(async () => {
    cpSync(join(modelRepository(), 'mlp_tiny'), join(repo, 'mlp_tiny'), { recursive: true });
    copyEcho('strict', () => undefined);
    copyEcho('open', (c) => (c.allow_non_finite = true));
    copyEcho('ranged', (c) => {
      input(c, 'in_fp32').range = [-1, 1];
      input(c, 'in_fp16').allow_non_finite = true;
      input(c, 'in_int64').range = [0, 1e12];
      input(c, 'in_uint8').range = [1, 9];
    });
    server = await startTestServer({
      MODEL_REPOSITORY: repo,
      MODELS: 'mlp_tiny,strict,open,ranged',
      GENERATE_DEMO_MODELS: false,
      MODEL_CONTROL: 'explicit',
      DISABLED_DEVICES: 'gpu:0',
      // bodies from 8 KiB on are decoded on a codec worker
      CODEC_OFFLOAD_BYTES: 8192,
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  const infer = (model: string, inputs: unknown[]) => postJson(server.url, `/v2/models/${model}/infer`, { inputs });

  it('refuses a JSON number that overflows FP32 or FP16 to Infinity, naming the input and element', async () => {
    const fp32 = await infer('strict', echoInputs({ FP32: [1, 2, 1e39] }));
    expect(fp32.status).toBe(400);
    expect(fp32.json.error).toBe(
      "input 'in_fp32': element 2 is Infinity; the model accepts finite values only (allow_non_finite is not set in its config)",
    );
    const fp16 = await infer('strict', echoInputs({ FP16: [-70000] }));
    expect(fp16.status).toBe(400);
    expect(fp16.json.error).toContain("input 'in_fp16': element 0 is -Infinity");
    // a JSON number beyond even a double (JSON.stringify cannot write it: the body is raw text)
    const raw = await fetch(`${server.url}/v2/models/mlp_tiny/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"inputs":[{"name":"input","datatype":"FP32","shape":[1,16],"data":[${'0,'.repeat(15)}1e400]}]}`,
    });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: string }).error).toContain("input 'input': element 15 is Infinity");
  });

  it('refuses binary NaN and Infinity bit patterns (FP32 and FP16)', async () => {
    const nan32 = await postBinary(
      server.url,
      '/v2/models/strict/infer',
      {},
      zerosBinary({ FP32: bytesOf(new Float32Array([0, 0, 0, NaN])) }),
    );
    expect(nan32.status).toBe(400);
    expect(nan32.json.error).toContain("input 'in_fp32': element 3 is NaN");
    const inf16 = await postBinary(
      server.url,
      '/v2/models/strict/infer',
      {},
      zerosBinary({ FP16: bytesOf(new Uint16Array([0x3c00, 0x7c00])) }),
    );
    expect(inf16.status).toBe(400);
    expect(inf16.json.error).toContain("input 'in_fp16': element 1 is Infinity");
  });

  it('lets them through when the model config sets allow_non_finite', async () => {
    const res = await postBinary(
      server.url,
      '/v2/models/open/infer',
      { parameters: { binary_data_output: true } },
      zerosBinary({ FP32: bytesOf(new Float32Array([NaN, Infinity, -Infinity])), FP16: bytesOf(new Uint16Array([0x7e00, 0xfc00])) }),
    );
    expect(res.status).toBe(200);
    const out32 = new Float32Array(new Uint8Array(res.binary.get('out_fp32')!).buffer);
    expect([...out32]).toEqual([NaN, Infinity, -Infinity]);
    expect(res.binary.get('out_fp16')).toEqual(bytesOf(new Uint16Array([0x7e00, 0xfc00])));
    // per input: 'ranged' allows them on in_fp16 only
    expect((await infer('ranged', echoInputs({ FP16: [70000], UINT8: [3] }))).status).toBe(200);
    expect((await infer('ranged', echoInputs({ FP32: [1e39], UINT8: [3] }))).json.error).toContain(
      "input 'in_fp32': element 0 is Infinity",
    );
  });

  it('refuses the first value outside a configured range, as JSON and binary', async () => {
    const inside = await infer('ranged', echoInputs({ FP32: [-1, 0.5, 1], INT64: [0, 1e12], UINT8: [1, 9] }));
    expect(inside.status).toBe(200);
    const fp32 = await infer('ranged', echoInputs({ FP32: [0, 1.5, -2] }));
    expect(fp32.status).toBe(400);
    expect(fp32.json.error).toBe("input 'in_fp32': element 1 = 1.5 is outside the input's range [-1, 1]");
    const uint8 = await infer('ranged', echoInputs({ UINT8: [1, 2, 0] }));
    expect(uint8.json.error).toBe("input 'in_uint8': element 2 = 0 is outside the input's range [1, 9]");
    const int64 = await postBinary(
      server.url,
      '/v2/models/ranged/infer',
      {},
      zerosBinary({ INT64: bytesOf(new BigInt64Array([5n, 2n ** 62n])), UINT8: Buffer.from([3]) }),
    );
    expect(int64.status).toBe(400);
    expect(int64.json.error).toBe(`input 'in_int64': element 1 = ${2n ** 62n} is outside the input's range [0, 1000000000000]`);
    // a NaN in a ranged input that does not allow non-finite values
    const nan = await postBinary(
      server.url,
      '/v2/models/ranged/infer',
      {},
      zerosBinary({ FP32: bytesOf(new Float32Array([NaN])), UINT8: Buffer.from([3]) }),
    );
    expect(nan.json.error).toContain("input 'in_fp32': element 0 is NaN");
  });

  it('checks big bodies the same way on the codec worker', async () => {
    const values = Array.from({ length: 4096 }, (_, i) => i / 4096);
    values[4000] = 1e39;
    const big = await infer('strict', echoInputs({ FP32: values }));
    expect(big.status).toBe(400);
    expect(big.json.error).toContain("input 'in_fp32': element 4000 is Infinity");
    values[4000] = 0;
    values[4001] = 2;
    const ranged = await infer('ranged', echoInputs({ FP32: values }));
    expect(ranged.json.error).toBe("input 'in_fp32': element 4001 = 2 is outside the input's range [-1, 1]");
  });

  it('refuses a job submission with a non-finite input at submission', async () => {
    const res = await fetch(`${server.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model_name: 'strict', inputs: echoInputs({ FP32: [0, 1e39] }) }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("input 'in_fp32': element 1 is Infinity");
  });

  it('shows the filters in the model config (GET /v2/models/{m}/config)', async () => {
    const ranged = (await (await fetch(`${server.url}/v2/models/ranged/config`)).json()) as { input: Record<string, unknown>[] };
    const byName = new Map(ranged.input.map((i) => [i.name, i]));
    expect(byName.get('in_fp32')).toMatchObject({ range: [-1, 1] });
    expect(byName.get('in_fp16')).toMatchObject({ allow_non_finite: true });
    expect(byName.get('in_int32')).not.toHaveProperty('range');
    const open = (await (await fetch(`${server.url}/v2/models/open/config`)).json()) as Record<string, unknown>;
    expect(open.allow_non_finite).toBe(true);
  });

  it('refuses a config with a range on a BOOL input or min > max (the version is UNAVAILABLE with the reason)', async () => {
    const bad = JSON.stringify({ ...JSON.parse(readFileSync(join(repo, 'strict', 'config.json'), 'utf8')), name: 'strict' });
    const config = JSON.parse(bad);
    input(config, 'in_bool').range = [0, 1];
    input(config, 'in_int8').range = [5, 1];
    const res = await fetch(`${server.url}/v2/repository/models/strict/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ parameters: { config: JSON.stringify(config) } }),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: string };
    expect(error).toContain('range applies to numeric inputs, not BOOL or BYTES');
    expect(error).toContain('range is [min, max] with min <= max');
  });
});
