import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceCnn, referenceMlp } from '@switchyard/models/testing';
import { startTestServer, type TestServer } from './support/inference-server';
import { repoRoot } from './support/repo-paths';
import { asFloat32, bytesOf, postBinary, postJson, seededFloats } from './support/v2-client';

const MLP_TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;
const TOLERANCE = 1e-4;

/** The Open Inference Protocol v2 over real HTTP, on the CPU device, against plain-JS reference math. */
describe('Inference API (e2e, cpu:0)', () => {
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer({ DISABLED_DEVICES: 'gpu:0' });
    url = server.url;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  describe('server and model metadata', () => {
    it('GET /v2 names the server, its version and extensions', async () => {
      const { version } = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8'));
      const { status, body } = await get('/v2');
      expect(status).toBe(200);
      expect(body).toEqual({ name: 'switchyard', version, extensions: expect.arrayContaining(['binary_tensor_data', 'model_repository']) });
    });

    it('answers liveness and readiness', async () => {
      expect(await get('/v2/health/live')).toEqual({ status: 200, body: { live: true } });
      expect(await get('/v2/health/ready')).toEqual({ status: 200, body: { ready: true } });
    });

    it.each([['/v2/models/mlp_tiny'], ['/v2/models/mlp_tiny/versions/1']])(
      'GET %s gives the metadata with -1 for the batch dim',
      async (path) => {
        expect(await get(path)).toEqual({
          status: 200,
          body: {
            name: 'mlp_tiny',
            versions: ['1'],
            platform: 'onnxruntime_onnx',
            inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 16] }],
            outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, 8] }],
          },
        });
      },
    );

    it('lists every dtype of dtype_echo with its variable dim', async () => {
      const { body } = await get('/v2/models/dtype_echo');
      expect(body.inputs.map((i: { datatype: string; shape: number[] }) => `${i.datatype}${JSON.stringify(i.shape)}`)).toEqual(
        ['FP32', 'FP16', 'INT64', 'INT32', 'INT8', 'UINT8', 'BOOL'].map((d) => `${d}[-1]`),
      );
    });

    it.each([['/v2/models/cnn_small/ready'], ['/v2/models/cnn_small/versions/1/ready']])('GET %s says ready', async (path) => {
      expect(await get(path)).toEqual({ status: 200, body: { name: 'cnn_small', version: '1', ready: true } });
    });

    it('GET /v2/models/{m}/config gives the Triton configuration', async () => {
      const { status, body } = await get('/v2/models/cnn_small/config');
      expect(status).toBe(200);
      expect(body).toMatchObject({
        name: 'cnn_small',
        platform: 'onnxruntime_onnx',
        max_batch_size: 32,
        input: [{ name: 'image', data_type: 'TYPE_FP32', dims: [1, 28, 28] }],
        output: [{ name: 'logits', data_type: 'TYPE_FP32', dims: [10] }],
      });
    });

    it('POST /v2/repository/index lists the models and filters on ready', async () => {
      const all = await postJson(url, '/v2/repository/index', {});
      expect(all.status).toBe(200);
      const loaded = all.json.filter((m: { version?: string }) => m.version !== undefined);
      expect(loaded.map((m: { name: string }) => m.name).sort()).toEqual(['cnn_small', 'dtype_echo', 'mlp_tiny']);
      expect(loaded[0]).toEqual({ name: expect.any(String), version: '1', state: 'READY' });
      // the repository's other models are listed as Triton does, without a version
      for (const other of all.json.filter((m: { version?: string }) => m.version === undefined))
        expect(other).toEqual({ name: other.name, state: 'UNAVAILABLE', reason: 'not loaded' });
      const ready = await postJson(url, '/v2/repository/index', { ready: true });
      expect(ready.json).toHaveLength(3);
      const noBody = await fetch(`${url}/v2/repository/index`, { method: 'POST' });
      expect(noBody.status).toBe(200);
    });
  });

  describe('mlp_tiny', () => {
    const batch = 3;
    const input = seededFloats(batch * 16, 11);
    const expected = referenceMlp(MLP_TINY, input, batch);

    it('infers over JSON, echoes the id and reports the decision', async () => {
      const res = await postJson(url, '/v2/models/mlp_tiny/infer', {
        id: 'req-42',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [batch, 16], data: Array.from(input) }],
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.json).toMatchObject({ model_name: 'mlp_tiny', model_version: '1', id: 'req-42' });
      expect(res.json.parameters).toEqual({
        device: 'cpu:0',
        policy: expect.any(String),
        batch_size: expect.any(Number),
        queue_ms: expect.any(Number),
        compute_ms: expect.any(Number),
        ...(res.json.parameters.predicted_ms !== undefined ? { predicted_ms: expect.any(Number) } : {}),
      });
      expect(res.json.parameters.batch_size).toBeGreaterThanOrEqual(batch);
      const [output] = res.json.outputs;
      expect(output).toMatchObject({ name: 'output', datatype: 'FP32', shape: [batch, 8] });
      expect(maxRelativeError(output.data, expected)).toBeLessThan(TOLERANCE);
    });

    it('serves an explicit version and omits the id when none was sent', async () => {
      const res = await postJson(url, '/v2/models/mlp_tiny/versions/1/infer', {
        inputs: [{ name: 'input', datatype: 'FP32', shape: [batch, 16], data: Array.from(input) }],
      });
      expect(res.status).toBe(200);
      expect(res.json).not.toHaveProperty('id');
      expect(maxRelativeError(res.json.outputs[0].data, expected)).toBeLessThan(TOLERANCE);
    });

    it('infers over binary tensor data, in and out', async () => {
      const res = await postBinary(url, '/v2/models/mlp_tiny/infer', { id: 'bin-1', parameters: { binary_data_output: true } }, [
        { name: 'input', datatype: 'FP32', shape: [batch, 16], bytes: bytesOf(input) },
      ]);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.json.id).toBe('bin-1');
      expect(res.json.outputs[0]).toEqual({
        name: 'output',
        datatype: 'FP32',
        shape: [batch, 8],
        parameters: { binary_data_size: batch * 8 * 4 },
      });
      expect(maxRelativeError(asFloat32(res.binary.get('output')!), expected)).toBeLessThan(TOLERANCE);
    });

    it('answers binary input with JSON output when binary output is not asked for', async () => {
      const res = await postBinary(url, '/v2/models/mlp_tiny/infer', {}, [
        { name: 'input', datatype: 'FP32', shape: [batch, 16], bytes: bytesOf(input) },
      ]);
      expect(res.headers.get('inference-header-content-length')).toBeNull();
      expect(maxRelativeError(res.json.outputs[0].data, expected)).toBeLessThan(TOLERANCE);
    });

    it('takes priority, timeout and policy from the request parameters', async () => {
      const res = await postJson(url, '/v2/models/mlp_tiny/infer', {
        parameters: { priority: 1, timeout: 30_000_000, policy: 'round-robin' },
        inputs: [{ name: 'input', datatype: 'FP32', shape: [batch, 16], data: Array.from(input) }],
      });
      expect(res.status).toBe(200);
      expect(res.json.parameters.policy).toBe('round-robin');
    });

    it('pins the device with the device parameter', async () => {
      const res = await postJson(url, '/v2/models/mlp_tiny/infer', {
        parameters: { device: 'cpu:0' },
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(input.subarray(0, 16)) }],
      });
      expect(res.status).toBe(200);
      expect(res.json.parameters).toMatchObject({ device: 'cpu:0', policy: 'pinned' });
    });
  });

  describe('cnn_small', () => {
    const batch = 2;
    const image = seededFloats(batch * 784, 5);
    const expected = referenceCnn('cnn_small', image, batch);

    it('infers over JSON with nested row-major data', async () => {
      const nested = Array.from({ length: batch }, (_, b) => [
        Array.from({ length: 28 }, (_, r) => Array.from(image.subarray(b * 784 + r * 28, b * 784 + r * 28 + 28))),
      ]);
      const res = await postJson(url, '/v2/models/cnn_small/infer', {
        inputs: [{ name: 'image', datatype: 'FP32', shape: [batch, 1, 28, 28], data: nested }],
      });
      expect(res.status).toBe(200);
      expect(res.json.parameters.device).toBe('cpu:0');
      expect(res.json.outputs[0]).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [batch, 10] });
      expect(maxRelativeError(res.json.outputs[0].data, expected)).toBeLessThan(TOLERANCE);
    });

    it('infers over binary tensor data with a per-output binary_data flag', async () => {
      const res = await postBinary(
        url,
        '/v2/models/cnn_small/infer',
        { outputs: [{ name: 'logits', parameters: { binary_data: true } }] },
        [{ name: 'image', datatype: 'FP32', shape: [batch, 1, 28, 28], bytes: bytesOf(image) }],
      );
      expect(res.status).toBe(200);
      expect(maxRelativeError(asFloat32(res.binary.get('logits')!), expected)).toBeLessThan(TOLERANCE);
    });
  });

  it('returns only the requested outputs, in the requested order', async () => {
    const inputs = [
      ['in_fp32', 'FP32', [1.5]],
      ['in_fp16', 'FP16', [0.5]],
      ['in_int64', 'INT64', [7]],
      ['in_int32', 'INT32', [-7]],
      ['in_int8', 'INT8', [3]],
      ['in_uint8', 'UINT8', [250]],
      ['in_bool', 'BOOL', [true]],
    ].map(([name, datatype, data]) => ({ name, datatype, shape: [1], data }));
    const res = await postJson(url, '/v2/models/dtype_echo/infer', { inputs, outputs: [{ name: 'out_bool' }, { name: 'out_uint8' }] });
    expect(res.status).toBe(200);
    expect(res.json.outputs).toEqual([
      { name: 'out_bool', datatype: 'BOOL', shape: [1], data: [true] },
      { name: 'out_uint8', datatype: 'UINT8', shape: [1], data: [250] },
    ]);
  });
});
