import type { WireTensor } from '@switchyard/common';
import type { DeviceInfo, DeviceKind } from '@switchyard/devices';
import { RunAbortedError } from '@switchyard/runtime';
import { BufferPool, fromOrtTensor, toOrtTensor } from '@switchyard/runtime/testing';
import type {
  DevicePool,
  InferenceTask,
  ModelLoadSpec,
  ModelSessionMetadata,
  PoolStats,
  RunOptions,
  TaskResult,
} from '@switchyard/runtime';

/** Keeps nothing: every output gets buffers of its own. */
const NO_REUSE = new BufferPool(0);
import * as ort from 'onnxruntime-node';
import { performance } from 'node:perf_hooks';

/**
 * Test fixture: a DevicePool that runs real onnxruntime CPU sessions on the calling thread, with
 * a gate the test can close (`hold`) so that tasks wait in a known state. It records every run
 * (model, rows) so tests can check what was dispatched. Results are ORT's real outputs.
 * Faults: `failNext(n)` makes the next n runs fail after running (a device error), and an aborted
 * run (declared hung) rejects at once with RunAbortedError, as a real pool does.
 */
export class InlineOrtPool implements DevicePool {
  readonly device: DeviceInfo;
  /** Every session run, in start order. */
  readonly runs: Array<{ modelKey: string; rows: number }> = [];
  private readonly sessions = new Map<string, ort.InferenceSession>();
  private gate?: { promise: Promise<void>; open: () => void };
  private running = 0;
  private done = 0;
  private errors = 0;
  private failures: string[] = [];
  /** Runs aborted as hung (a real pool would have recycled a worker for each). */
  aborted = 0;

  constructor(
    id: string,
    private readonly slots: number,
    kind: DeviceKind = 'cpu',
  ) {
    this.device = { id, kind, vendor: 'test', name: `inline ${id}`, executionProvider: 'cpu', usable: true, costWeight: 1, details: {} };
  }

  async start(): Promise<void> {}

  async loadModel(spec: ModelLoadSpec): Promise<ModelSessionMetadata> {
    const started = performance.now();
    this.sessions.set(spec.key, await ort.InferenceSession.create(spec.path, { intraOpNumThreads: 1 }));
    return { inputs: [], outputs: [], loadMs: performance.now() - started };
  }

  async unloadModel(modelKey: string): Promise<void> {
    await this.sessions.get(modelKey)?.release();
    this.sessions.delete(modelKey);
  }

  /** Tasks that start from now on wait until `release()`. */
  hold(): void {
    if (this.gate) return;
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
  }

  release(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  /** The next `n` runs fail with `message` (after running, as a device error would). */
  failNext(n: number, message = 'injected device error'): void {
    for (let i = 0; i < n; i++) this.failures.push(message);
  }

  async run(task: InferenceTask, options: RunOptions = {}): Promise<TaskResult> {
    const accepted = performance.now();
    const session = this.sessions.get(task.modelKey);
    if (!session) throw new Error(`model ${task.modelKey} is not loaded on ${this.device.id}`);
    this.running++;
    this.runs.push({ modelKey: task.modelKey, rows: task.inputs[0]?.shape[0] ?? 0 });
    try {
      if (this.gate) await this.untilOpenOrAborted(this.gate.promise, options.abort?.signal);
      const started = performance.now();
      const feeds: Record<string, ort.Tensor> = {};
      for (const t of task.inputs) feeds[t.name] = toOrtTensor(ort, t);
      const ran = performance.now();
      const results = task.outputNames ? await session.run(feeds, task.outputNames) : await session.run(feeds);
      const runMs = performance.now() - ran;
      const outputs: WireTensor[] = Object.entries(results).map(([name, tensor]) => fromOrtTensor(name, tensor, NO_REUSE));
      const failure = this.failures.shift();
      if (failure !== undefined) throw new Error(failure);
      this.done++;
      const marshalMs = performance.now() - started - runMs;
      return { outputs, timings: { queueMs: started - accepted, runMs, marshalMs, workerId: 0 } };
    } catch (err) {
      this.errors++;
      throw err;
    } finally {
      this.running--;
    }
  }

  private untilOpenOrAborted(gate: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return gate;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.aborted++;
        reject(new RunAbortedError(this.device.id, signal.reason));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void gate.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  get capacity(): number {
    return this.slots;
  }

  get inFlight(): number {
    return this.running;
  }

  stats(): PoolStats {
    return {
      deviceId: this.device.id,
      workers: 1,
      capacity: this.slots,
      inFlight: this.running,
      completed: this.done,
      failed: this.errors,
      restarts: 0,
      isolation: 'thread',
    };
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) await s.release();
    this.sessions.clear();
  }
}
