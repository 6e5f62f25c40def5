import { join } from 'node:path';
import type { WireTensor } from '@switchyard/common';
import type { DeviceInfo } from '@switchyard/devices';
import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceMlp } from '@switchyard/models/testing';
import { modelRepository } from '../../../../test/support/repo-paths';
import { availableOrSkip } from '../../../../test/support/requirements';
import { RunAbort } from '../abort/run-abort';
import type { DevicePool } from '../interfaces/device-pool.interface';
import { BufferPool } from '../memory/buffer-pool';
import { RunAbortedError } from '../errors/run-aborted.error';
import { WorkerDiedError } from '../errors/worker-died.error';
import { TRANSFER_MIN_BYTES } from '../worker/transfer-threshold';
import { PiscinaDevicePool, type PiscinaPoolOptions } from './piscina-device-pool';
import { ProcessDevicePool } from './process-device-pool';

const REPO = modelRepository();
const TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;
const tinySpec = (key = 'mlp_tiny@1') => ({ key, path: join(REPO, 'mlp_tiny', '1', 'model.onnx') });
const FIXTURES = join(__dirname, '..', 'testing');

function device(id: string, ep: 'cpu' | 'webgpu'): DeviceInfo {
  return {
    id,
    kind: ep === 'cpu' ? 'cpu' : 'gpu',
    vendor: 'test',
    name: id,
    executionProvider: ep,
    usable: true,
    costWeight: 1,
    details: {},
  };
}

function input(batch: number, seed: number): { tensor: WireTensor; values: Float32Array } {
  const values = Float32Array.from({ length: batch * 16 }, (_, i) => Math.sin(seed + i));
  return { tensor: { name: 'input', datatype: 'FP32', shape: [batch, 16], data: values.slice().buffer }, values };
}

async function expectMatchesReference(
  pool: { run: PiscinaDevicePool['run'] },
  key = 'mlp_tiny@1',
  batch = 3,
  transferred = true,
): Promise<number> {
  const { tensor, values } = input(batch, batch);
  const bytes = tensor.data.byteLength;
  const result = await pool.run({ modelKey: key, inputs: [tensor] });
  // threads: a big input is transferred, a small one cloned; a child process gets a structured clone
  expect(tensor.data.byteLength === 0).toBe(transferred && bytes >= TRANSFER_MIN_BYTES);
  expect(result.outputs[0].shape).toEqual([batch, 8]);
  expect(maxRelativeError(new Float32Array(result.outputs[0].data), referenceMlp(TINY, values, batch))).toBeLessThan(1e-5);
  return result.timings.workerId;
}

/**
 * Two runs in flight on one worker (or pool process) that will not answer: after `settleMs` both
 * are still held; then the first is declared hung and fails with RunAbortedError at once. Returns
 * what the second run ended with.
 */
async function abandonBesideAnother(
  pool: Pick<DevicePool, 'run' | 'stats' | 'inFlight' | 'capacity'>,
  hungKey: string,
  settleMs: number,
): Promise<unknown> {
  const hung = new RunAbort();
  const first = pool.run({ modelKey: hungKey, inputs: [input(2, 1).tensor] }, { abort: hung }).catch((e: unknown) => e);
  const second = pool.run({ modelKey: 'mlp_tiny@1', inputs: [input(2, 2).tensor] }).catch((e: unknown) => e);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  expect(pool.stats().inFlight).toBe(2);
  // the figures the dispatcher reads without building the stats
  expect({ inFlight: pool.inFlight, capacity: pool.capacity }).toEqual({ inFlight: 2, capacity: pool.stats().capacity });
  hung.abort(`no answer after ${settleMs} ms`);
  expect(await first).toBeInstanceOf(RunAbortedError);
  expect(pool.inFlight).toBe(pool.stats().inFlight);
  return second;
}

/**
 * A started pool of one CPU worker running the crashing test worker, with mlp_tiny and the fault
 * model `faultKey` (exit@..., hang@...) loaded.
 */
async function crashingPool(
  faultKey: string,
  options: Partial<Pick<PiscinaPoolOptions, 'concurrentTasksPerWorker' | 'onWorkerRestart'>> = {},
): Promise<PiscinaDevicePool> {
  const pool = new PiscinaDevicePool({
    device: device('cpu:0', 'cpu'),
    workers: 1,
    concurrentTasksPerWorker: 1,
    intraOpThreads: 1,
    workerFile: join(FIXTURES, 'crashing.worker.js'),
    ...options,
  });
  await pool.start();
  await pool.loadModel(tinySpec());
  await pool.loadModel(tinySpec(faultKey));
  return pool;
}

describe(PiscinaDevicePool.name, () => {
  let sut: PiscinaDevicePool;
  afterEach(() => sut?.close());

  it('pins the model in every CPU worker and serves correct numbers from all of them', async () => {
    sut = new PiscinaDevicePool({ device: device('cpu:0', 'cpu'), workers: 2, concurrentTasksPerWorker: 1, intraOpThreads: 1 });
    await sut.start();
    const meta = await sut.loadModel(tinySpec());
    expect(meta.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: ['batch', 16] }]);
    expect(meta.outputs).toEqual([{ name: 'output', datatype: 'FP32', shape: ['batch', 8] }]);
    const workers = await Promise.all(Array.from({ length: 8 }, () => expectMatchesReference(sut)));
    expect(new Set(workers).size).toBe(2);
    expect(sut.stats()).toMatchObject({ workers: 2, capacity: 2, inFlight: 0, completed: 8, failed: 0, restarts: 0 });
  });

  it("returns moved input buffers to the caller's buffer pool after each run; small ones are cloned and stay the caller's", async () => {
    const buffers = new BufferPool(2 ** 20);
    sut = new PiscinaDevicePool({ device: device('cpu:0', 'cpu'), workers: 1, concurrentTasksPerWorker: 1, intraOpThreads: 1, buffers });
    await sut.start();
    await sut.loadModel(tinySpec());
    const rows = TRANSFER_MIN_BYTES / (16 * 4); // the smallest input that is moved
    await expectMatchesReference(sut, 'mlp_tiny@1', rows);
    expect(buffers.bytes).toBe(rows * 16 * 4);
    const reused = buffers.acquire(rows * 16 * 4);
    expect(buffers.hits).toBe(1);
    new Float32Array(reused).fill(0.5);
    const result = await sut.run({
      modelKey: 'mlp_tiny@1',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, 16], data: reused }],
    });
    expect(reused.byteLength).toBe(0); // moved, and back in the pool
    expect(buffers.bytes).toBe(rows * 16 * 4);
    const expected = referenceMlp(TINY, new Float32Array(rows * 16).fill(0.5), rows);
    expect(maxRelativeError(new Float32Array(result.outputs[0].data), expected)).toBeLessThan(1e-5);
    const small = new Float32Array(4 * 16).fill(0.25).buffer;
    const answer = await sut.run({ modelKey: 'mlp_tiny@1', inputs: [{ name: 'input', datatype: 'FP32', shape: [4, 16], data: small }] });
    expect(small.byteLength).toBe(4 * 16 * 4); // cloned: still the caller's
    expect(buffers.bytes).toBe(rows * 16 * 4);
    const smallExpected = referenceMlp(TINY, new Float32Array(4 * 16).fill(0.25), 4);
    expect(maxRelativeError(new Float32Array(answer.outputs[0].data), smallExpected)).toBeLessThan(1e-5);
  });

  it('fails a run on an unknown model with a clear error and keeps serving', async () => {
    sut = new PiscinaDevicePool({ device: device('cpu:0', 'cpu'), workers: 1, concurrentTasksPerWorker: 1, intraOpThreads: 1 });
    await sut.start();
    await sut.loadModel(tinySpec());
    await expect(sut.run({ modelKey: 'nope@1', inputs: [] })).rejects.toThrow('model nope@1 is not loaded on cpu:0');
    const bad = { name: 'input', datatype: 'FP32' as const, shape: [1, 15], data: new ArrayBuffer(60) };
    await expect(sut.run({ modelKey: 'mlp_tiny@1', inputs: [bad] })).rejects.toThrow(/cpu:0 failed to run mlp_tiny@1/);
    await expectMatchesReference(sut);
  });

  it('replaces a worker that dies, fails its job clearly, and the replacement serves the pinned model', async () => {
    const restarts: string[] = [];
    sut = await crashingPool('exit@1', { onWorkerRestart: (_, reason) => restarts.push(reason) });
    await expect(sut.run({ modelKey: 'exit@1', inputs: [input(1, 0).tensor] })).rejects.toThrow(
      /worker of cpu:0 died while running this job/,
    );
    await expectMatchesReference(sut);
    expect(sut.stats().restarts).toBe(1);
    expect(restarts).toHaveLength(1);
  });

  it('abandons a hung run when its caller aborts it, recycles that worker, and keeps serving', async () => {
    sut = await crashingPool('hang@1');
    const hung = new RunAbort();
    const run = sut.run({ modelKey: 'hang@1', inputs: [input(1, 0).tensor] }, { abort: hung });
    const outcome = run.catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sut.stats().inFlight).toBe(1);
    hung.abort('no answer after 200 ms');
    const error = await outcome;
    expect(error).toBeInstanceOf(RunAbortedError);
    expect((error as Error).message).toBe('the run on cpu:0 was abandoned as hung (no answer after 200 ms); its worker is being recycled');
    // the only worker was the hung one: serving again proves it was replaced
    await expectMatchesReference(sut);
    expect(sut.stats()).toMatchObject({ inFlight: 0, failed: 1 });
  });

  it('keeps a run that waits for a busy worker, and runs it on the replacement of a worker recycled as hung', async () => {
    const restarts: string[] = [];
    sut = await crashingPool('hang@1', { onWorkerRestart: (_, reason) => restarts.push(reason) });
    const hung = new RunAbort();
    const first = sut.run({ modelKey: 'hang@1', inputs: [input(1, 0).tensor] }, { abort: hung }).catch((e: unknown) => e);
    // the only worker is taken: this one waits in the pool, and a switch aborted while it waits recycles nothing
    const waiting = expectMatchesReference(sut, 'mlp_tiny@1', 2);
    const given = new RunAbort();
    const givenUp = sut.run({ modelKey: 'mlp_tiny@1', inputs: [input(1, 1).tensor] }, { abort: given }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sut.stats().inFlight).toBe(3);
    given.abort('gave up waiting');
    expect(await givenUp).toBeInstanceOf(RunAbortedError);
    expect(restarts).toEqual([]);
    hung.abort('no answer after 200 ms');
    expect(await first).toBeInstanceOf(RunAbortedError);
    await waiting;
    expect(restarts).toEqual(['worker recycled after a run was abandoned as hung']);
    expect(sut.stats()).toMatchObject({ inFlight: 0, completed: 1, failed: 2, restarts: 1 });
  });

  it('fails the other runs on a worker recycled as hung at once, and serves again on its replacement', async () => {
    sut = await crashingPool('hang@1', { concurrentTasksPerWorker: 2 });
    // the second run is on the same worker, behind the hung one: its thread never reads it
    const other = await abandonBesideAnother(sut, 'hang@1', 200);
    expect(other).toBeInstanceOf(WorkerDiedError);
    expect((other as Error).message).toMatch(/another run on its worker was declared hung/);
    await expectMatchesReference(sut);
    expect(sut.stats()).toMatchObject({ inFlight: 0, failed: 2, restarts: 1 });
  });

  it('fails the runs still waiting for a worker when it closes', async () => {
    sut = await crashingPool('hang@1');
    const hung = sut.run({ modelKey: 'hang@1', inputs: [input(1, 0).tensor] }).catch((e: unknown) => e);
    const waiting = sut.run({ modelKey: 'mlp_tiny@1', inputs: [input(1, 1).tensor] }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sut.close();
    expect(((await waiting) as Error).message).toBe('the pool of cpu:0 was closed');
    // the hung one ends with its worker, terminated by close()
    expect(await hung).toBeInstanceOf(WorkerDiedError);
  });

  it('runs on the WebGPU device in a single worker', async () => {
    sut = new PiscinaDevicePool({ device: device('gpu:0', 'webgpu'), workers: 1, concurrentTasksPerWorker: 4, intraOpThreads: 0 });
    await sut.start();
    const loadError = await sut.loadModel(tinySpec()).then(
      () => undefined,
      (err: Error) => err.message,
    );
    if (!availableOrSkip('webgpu', loadError === undefined, `the model does not load on WebGPU: ${loadError}`)) return;
    const workers = await Promise.all(Array.from({ length: 6 }, () => expectMatchesReference(sut)));
    expect(new Set(workers).size).toBe(1);
  });
});

describe(ProcessDevicePool.name, () => {
  let sut: ProcessDevicePool;
  afterEach(() => sut?.close());

  it('serves from a child process and survives a native crash there', async () => {
    sut = new ProcessDevicePool(
      { device: device('cpu:0', 'cpu'), workers: 1, concurrentTasksPerWorker: 1, intraOpThreads: 1 },
      join(FIXTURES, 'crashing-pool-host.js'),
    );
    await sut.start();
    await sut.loadModel(tinySpec());
    await sut.loadModel(tinySpec('abort@1'));
    await expectMatchesReference(sut, 'mlp_tiny@1', 3, false);
    // a SIGSEGV from a worker thread takes its whole process down, as a driver crash would
    await expect(sut.run({ modelKey: 'abort@1', inputs: [input(1, 0).tensor] })).rejects.toThrow(/died while running this job/);
    await expectMatchesReference(sut, 'mlp_tiny@1', 2, false);
    expect(sut.stats()).toMatchObject({ isolation: 'process', restarts: 1, failed: 1 });
  });

  it('recycles a frozen pool process (SIGSTOP) when a run is declared hung: SIGKILL, restart, serve again', async () => {
    sut = new ProcessDevicePool({
      device: device('cpu:0', 'cpu'),
      workers: 1,
      concurrentTasksPerWorker: 2,
      intraOpThreads: 1,
      restartBackoffMs: 50,
    });
    await sut.start();
    await sut.loadModel(tinySpec());
    await expectMatchesReference(sut, 'mlp_tiny@1', 3, false);
    const frozen = sut.stats().pid!;
    process.kill(frozen, 'SIGSTOP');
    const other = await abandonBesideAnother(sut, 'mlp_tiny@1', 300);
    // the frozen process cannot act on SIGTERM: it gets SIGKILL, and the other task in it fails too
    expect(other).toBeInstanceOf(WorkerDiedError);
    expect((other as Error).message).toMatch(/pool process exited \(SIGKILL\)/);
    await expectMatchesReference(sut, 'mlp_tiny@1', 2, false);
    expect(sut.stats().pid).not.toBe(frozen);
    expect(sut.stats()).toMatchObject({ restarts: 1, failed: 2 });
  });

  it('closes even when its process is frozen', async () => {
    sut = new ProcessDevicePool({ device: device('cpu:0', 'cpu'), workers: 1, concurrentTasksPerWorker: 1, intraOpThreads: 1 });
    await sut.start();
    await sut.loadModel(tinySpec());
    const pid = sut.stats().pid!;
    process.kill(pid, 'SIGSTOP');
    await sut.close();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
