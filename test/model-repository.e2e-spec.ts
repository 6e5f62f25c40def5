import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceMlp } from '@switchyard/models/testing';
import { startTestServer, type TestServer } from './support/inference-server';
import { modelRepository } from './support/repo-paths';
import { asFloat32, bytesOf, postBinary, postJson, seededFloats } from './support/v2-client';

const MLP_TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;
const MLP_SMALL = DEMO_MODELS.find((m) => m.name === 'mlp_small') as MlpSpec;
const MIB = 2 ** 20;

/**
 * Triton's model repository extension over HTTP, with the requests tritonclient.http makes:
 * load_model -> POST /v2/repository/models/{m}/load (body {"parameters":{"config": "<json>"}} when a
 * config is given, else none), unload_model -> .../unload, get_model_repository_index -> POST
 * /v2/repository/index. Explicit control mode, on a private copy of the demo repository.
 */
describe('model repository API (e2e, explicit control)', () => {
  let root: string;
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sy-repo-e2e-'));
    for (const name of ['mlp_tiny', 'mlp_small', 'cnn_small'])
      await cp(join(modelRepository(), name), join(root, name), { recursive: true });
    await cp(join(root, 'mlp_tiny', '1'), join(root, 'mlp_tiny', '2'), { recursive: true });
    // a second copy of mlp_small: both do not fit in the memory budget below
    await cp(join(root, 'mlp_small'), join(root, 'mlp_small_copy'), { recursive: true });
    server = await startTestServer({
      DISABLED_DEVICES: 'gpu:0',
      MODEL_REPOSITORY: root,
      GENERATE_DEMO_MODELS: false,
      MODEL_CONTROL: 'explicit',
      MODELS: 'mlp_tiny',
      CPU_WORKERS: 1,
      // one session per model on cpu:0: mlp_small (16 MiB) fits once, not twice
      MODEL_MEMORY_BUDGET_BYTES: 30 * MIB,
    });
    url = server.url;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  const post = async (path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const index = async () =>
    (await post('/v2/repository/index')).body as Array<{ name: string; version?: string; state: string; reason?: string }>;
  const stateOf = async (name: string) => (await index()).filter((e) => e.name === name).map((e) => `${e.version ?? ''}:${e.state}`);
  const inferTiny = (path: string, rows = 2) => {
    const input = seededFloats(rows * 16, rows);
    return postBinary(url, path, { parameters: { binary_data_output: true } }, [
      { name: 'input', datatype: 'FP32', shape: [rows, 16], bytes: bytesOf(input) },
    ]);
  };

  it('starts with only the models SWITCHYARD_MODELS names and indexes the others as not loaded', async () => {
    expect(await index()).toEqual([
      { name: 'cnn_small', state: 'UNAVAILABLE', reason: 'not loaded' },
      { name: 'mlp_small', state: 'UNAVAILABLE', reason: 'not loaded' },
      { name: 'mlp_small_copy', state: 'UNAVAILABLE', reason: 'not loaded' },
      { name: 'mlp_tiny', version: '2', state: 'READY' },
    ]);
    expect((await post('/v2/repository/index', { ready: true })).body).toEqual([{ name: 'mlp_tiny', version: '2', state: 'READY' }]);
  });

  it('loads a model (no body, as load_model without a config) and serves it', async () => {
    expect(await post('/v2/repository/models/cnn_small/load')).toEqual({ status: 200, body: {} });
    expect(await stateOf('cnn_small')).toEqual(['1:READY']);
    const res = await postJson(url, '/v2/models/cnn_small/infer', {
      inputs: [{ name: 'image', datatype: 'FP32', shape: [1, 1, 28, 28], data: Array(784).fill(0.1) }],
    });
    expect(res.status).toBe(200);
    expect(res.json.outputs[0].shape).toEqual([1, 10]);
  });

  it('serialises concurrent loads and unloads of one model: the last request wins, nothing is loaded twice', async () => {
    const results = await Promise.all([
      post('/v2/repository/models/cnn_small/load'),
      post('/v2/repository/models/cnn_small/load'),
      post('/v2/repository/models/cnn_small/unload'),
      post('/v2/repository/models/cnn_small/load'),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await stateOf('cnn_small')).toEqual(['1:READY']);
    await post('/v2/repository/models/cnn_small/unload');
    expect(await index()).toContainEqual({ name: 'cnn_small', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' });
    expect((await postJson(url, '/v2/models/cnn_small/infer', { inputs: [] })).status).toBe(404);
  });

  it('loads with a config override (version policy and max_batch_size) and serves two versions at once', async () => {
    const config = JSON.stringify({ max_batch_size: 4, version_policy: { all: {} } });
    expect(await post('/v2/repository/models/mlp_tiny/load', { parameters: { config } })).toEqual({ status: 200, body: {} });
    expect(await stateOf('mlp_tiny')).toEqual(['1:READY', '2:READY']);
    const meta = (await (await fetch(`${url}/v2/models/mlp_tiny`)).json()) as { versions: string[] };
    expect(meta.versions).toEqual(['1', '2']);
    expect(((await (await fetch(`${url}/v2/models/mlp_tiny/versions/1/config`)).json()) as { max_batch_size: number }).max_batch_size).toBe(
      4,
    );
    for (const path of ['/v2/models/mlp_tiny/versions/1/infer', '/v2/models/mlp_tiny/versions/2/infer', '/v2/models/mlp_tiny/infer']) {
      const res = await inferTiny(path);
      expect(res.status).toBe(200);
      expect(maxRelativeError(asFloat32(res.binary.get('output')!), referenceMlp(MLP_TINY, seededFloats(32, 2), 2))).toBeLessThan(1e-4);
    }
    expect((await inferTiny('/v2/models/mlp_tiny/infer')).json.model_version).toBe('2');
    // the override's max_batch_size holds
    const tooMany = await inferTiny('/v2/models/mlp_tiny/infer', 8);
    expect(tooMany.status).toBe(400);
    // back to config.json: latest 1 version, batches of 64
    expect((await post('/v2/repository/models/mlp_tiny/load')).status).toBe(200);
    expect(await stateOf('mlp_tiny')).toEqual(['1:UNAVAILABLE', '2:READY']);
    expect((await inferTiny('/v2/models/mlp_tiny/infer', 8)).status).toBe(200);
  });

  it('refuses a bad config override with the reason, leaving the served version alone', async () => {
    const bad = await post('/v2/repository/models/mlp_tiny/load', { parameters: { config: '{"max_batch_size": -3}' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('invalid config override for model "mlp_tiny": max_batch_size');
    expect((await post('/v2/repository/models/mlp_tiny/load', { parameters: { config: 7 } })).status).toBe(400);
    expect(await post('/v2/repository/models/nope/load')).toMatchObject({
      status: 404,
      body: { error: expect.stringContaining('no model "nope"') },
    });
    expect(await stateOf('mlp_tiny')).toEqual(['1:UNAVAILABLE', '2:READY']);
  });

  it('refuses a load that does not fit the memory budget, naming the device and sizes', async () => {
    expect((await post('/v2/repository/models/mlp_small/load')).status).toBe(200);
    const refused = await post('/v2/repository/models/mlp_small_copy/load');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/cpu:0: not enough memory, needs 16\.\d MiB .*free of a 30\.0 MiB budget/);
    expect(await stateOf('mlp_small_copy')).toEqual(['1:UNAVAILABLE']);
    const notServed = await postJson(url, '/v2/models/mlp_small_copy/infer', { inputs: [] });
    expect(notServed.status).toBe(503);
    expect(notServed.json.error).toContain('not enough memory');
    // a refused runtime load leaves the server ready: the models it serves still are
    expect((await fetch(`${url}/v2/health/ready`)).status).toBe(200);
  });

  it("counts requests in the statistics extension, per version, in Triton's format (get_inference_statistics)", async () => {
    const stats = async (path: string) => {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, body: (await res.json()) as { model_stats: any[]; error?: string } };
    };
    const before = (await stats('/v2/models/mlp_tiny/versions/2/stats')).body.model_stats[0];
    for (let i = 0; i < 3; i++) expect((await inferTiny('/v2/models/mlp_tiny/versions/2/infer')).status).toBe(200);
    const bad = await postJson(url, '/v2/models/mlp_tiny/versions/2/infer', {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }],
    });
    expect(bad.status).toBe(400);
    const { status, body } = await stats('/v2/models/mlp_tiny/versions/2/stats');
    expect(status).toBe(200);
    expect(body.model_stats).toHaveLength(1);
    const after = body.model_stats[0];
    expect(after).toMatchObject({ name: 'mlp_tiny', version: '2' });
    const delta = (path: string) => path.split('.').reduce((o, k) => o[k], after) - path.split('.').reduce((o, k) => o[k], before);
    expect(delta('inference_stats.success.count')).toBe(3);
    expect(delta('inference_stats.fail.count')).toBe(1);
    expect(delta('inference_stats.queue.count')).toBe(3);
    expect(delta('inference_stats.compute_infer.count')).toBe(3);
    expect(delta('inference_stats.compute_input.count')).toBe(3);
    expect(delta('inference_stats.compute_output.count')).toBe(3);
    expect(delta('inference_stats.compute_infer.ns')).toBeGreaterThan(0);
    expect(delta('inference_stats.success.ns')).toBeGreaterThanOrEqual(delta('inference_stats.compute_infer.ns'));
    expect(delta('inference_count')).toBe(6);
    expect(delta('execution_count')).toBeGreaterThanOrEqual(1);
    expect(after.last_inference).toBeGreaterThan(Date.now() - 60_000);
    expect(after.batch_stats.length).toBeGreaterThan(0);
    expect(after.batch_stats[0]).toEqual({
      batch_size: expect.any(Number),
      compute_input: { count: expect.any(Number), ns: expect.any(Number) },
      compute_infer: { count: expect.any(Number), ns: expect.any(Number) },
      compute_output: { count: expect.any(Number), ns: expect.any(Number) },
    });
    const all = (await stats('/v2/models/stats')).body.model_stats.map((m: { name: string; version: string }) => `${m.name}@${m.version}`);
    expect(all).toEqual(expect.arrayContaining(['mlp_tiny@2', 'mlp_small@1']));
    expect((await stats('/v2/models/mlp_tiny/stats')).body.model_stats.map((m: { version: string }) => m.version)).toEqual(['2']);
    expect((await stats('/v2/models/nope/stats')).status).toBe(404);
    expect(((await (await fetch(`${url}/v2`)).json()) as { extensions: string[] }).extensions).toContain('statistics');
  });

  it('unloads while requests are queued: every admitted request is answered, new ones get 503 then 404', async () => {
    const rows = 64;
    const input = seededFloats(rows * 1024, 5);
    const send = () =>
      postBinary(url, '/v2/models/mlp_small/infer', { parameters: { binary_data_output: true } }, [
        { name: 'input', datatype: 'FP32', shape: [rows, 1024], bytes: bytesOf(input) },
      ]);
    const first = await send();
    expect(first.status).toBe(200);
    let answered = 0;
    const queued = Array.from({ length: 24 }, () => send().finally(() => answered++));
    // unload once every request of the burst is admitted: answered, queued or running
    for (let admitted = 0; admitted < queued.length;) {
      const status = (await (await fetch(`${url}/v1/scheduler`)).json()) as { devices: Array<{ queuedJobs: number; inFlight: number }> };
      admitted = answered + status.devices.reduce((n, d) => n + d.queuedJobs + d.inFlight, 0);
    }
    const unload = post('/v2/repository/models/mlp_small/unload');
    let sawUnloading = false;
    for (let i = 0; i < 200 && !sawUnloading; i++) {
      sawUnloading = (await stateOf('mlp_small')).includes('1:UNLOADING');
      if (sawUnloading) {
        // refused while unloading (503), or after it finished (404): never run, never a 500
        const late = await send();
        expect(`${late.status} ${late.json.error}`).toMatch(/^(503 .*\(UNLOADING\)|404 model "mlp_small" is not loaded \(unloaded\))$/);
      }
    }
    const answers = await Promise.all(queued);
    expect((await unload).status).toBe(200);
    // the status with the error, so a failure says why
    expect(answers.map((a) => (a.status === 200 ? 200 : `${a.status} ${a.json?.error}`))).toEqual(answers.map(() => 200));
    for (const a of answers) expect(a.binary.get('output')).toEqual(first.binary.get('output'));
    expect(sawUnloading).toBe(true);
    expect(await stateOf('mlp_small')).toEqual(['1:UNAVAILABLE']);
    expect((await send()).status).toBe(404);
    // its memory is free again: the copy fits now
    expect((await post('/v2/repository/models/mlp_small_copy/load')).status).toBe(200);
    const copy = await postBinary(url, '/v2/models/mlp_small_copy/infer', { parameters: { binary_data_output: true } }, [
      { name: 'input', datatype: 'FP32', shape: [1, 1024], bytes: bytesOf(input.subarray(0, 1024)) },
    ]);
    expect(
      maxRelativeError(
        asFloat32(copy.binary.get('output')!),
        referenceMlp({ ...MLP_SMALL, name: 'mlp_small' }, input.subarray(0, 1024), 1),
      ),
    ).toBeLessThan(1e-3);
  });
});

describe('model repository API (e2e, poll control)', () => {
  let root: string;
  let server: TestServer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sy-repo-poll-'));
    await cp(join(modelRepository(), 'mlp_tiny'), join(root, 'mlp_tiny'), { recursive: true });
    server = await startTestServer({
      DISABLED_DEVICES: 'gpu:0',
      MODEL_REPOSITORY: root,
      MODELS: '',
      GENERATE_DEMO_MODELS: false,
      MODEL_CONTROL: 'poll',
      MODEL_POLL_INTERVAL_S: 0.2,
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  const waitFor = async (name: string, expected: string[]) => {
    let seen: string[] = [];
    for (let i = 0; i < 300; i++) {
      const rows = (await (await fetch(`${server.url}/v2/repository/index`, { method: 'POST' })).json()) as Array<{
        name: string;
        version?: string;
        state: string;
      }>;
      seen = rows.filter((r) => r.name === name).map((r) => `${r.version}:${r.state}`);
      if (JSON.stringify(seen) === JSON.stringify(expected)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} never reached ${expected.join(',')}: ${seen.join(',')}`);
  };

  it('follows the folder: a new version is loaded, a removed model unloaded; the API refuses explicit loads', async () => {
    await cp(join(root, 'mlp_tiny', '1'), join(root, 'mlp_tiny', '3'), { recursive: true });
    await waitFor('mlp_tiny', ['1:UNAVAILABLE', '3:READY']);
    const res = await fetch(`${server.url}/v2/repository/models/mlp_tiny/load`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('model control mode "poll"');
    await rm(join(root, 'mlp_tiny'), { recursive: true, force: true });
    await waitFor('mlp_tiny', ['1:UNAVAILABLE', '3:UNAVAILABLE']);
  });
});

describe('model repository API (e2e, a runtime load is READY only once calibrated)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      DISABLED_DEVICES: 'gpu:0',
      MODELS: 'mlp_tiny',
      GENERATE_DEMO_MODELS: false,
      MODEL_CONTROL: 'explicit',
      CALIBRATION: 'force',
      CALIBRATION_BUDGET_MS: 300,
      CALIBRATION_MAX_BATCH: 4,
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('answers the load after the version was calibrated on every device it runs on', async () => {
    const res = await fetch(`${server.url}/v2/repository/models/cnn_small/load`, { method: 'POST' });
    expect(res.status).toBe(200);
    const status = (await (await fetch(`${server.url}/v1/scheduler`)).json()) as {
      devices: Array<{ deviceId: string }>;
      estimates: Array<{ model: string; deviceId: string; points: Array<{ batchSize: number }> }>;
    };
    const calibrated = status.estimates.filter((e) => e.model === 'cnn_small@1' && e.points.length > 0).map((e) => e.deviceId);
    expect(calibrated.sort()).toEqual(status.devices.map((d) => d.deviceId).sort());
    expect((await fetch(`${server.url}/v2/models/cnn_small/ready`)).status).toBe(200);
  });
});
