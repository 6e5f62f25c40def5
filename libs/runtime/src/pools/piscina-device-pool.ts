import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Piscina from 'piscina';
import { InferenceFailedError } from '@switchyard/common';
import type { DeviceInfo } from '@switchyard/devices';
import type { DevicePool, PoolStats, RunOptions } from '../interfaces/device-pool.interface';
import type { InferenceTask, ModelLoadSpec, ModelSessionMetadata, TaskResult } from '../interfaces/inference-task.interface';
import type { BufferPool } from '../memory/buffer-pool';
import { isTransferred } from '../worker/transfer-threshold';
import { isRunPortMessage, RUN_PORT, type LoadReply, type RunRequest, type WorkerConfig } from '../worker/worker-protocol';
import { ModelManifest } from './model-manifest';
import { RunChannels } from './run-channels';

/** Longest wait of close() for the runs still in flight (a shadow run nobody awaits, say) before the workers are terminated. */
const CLOSE_GRACE_MS = 3000;

export interface PiscinaPoolOptions {
  device: DeviceInfo;
  workers: number;
  /** Tasks each worker holds at once (1 for CPU: run() blocks the thread anyway). */
  concurrentTasksPerWorker: number;
  intraOpThreads: number;
  providerOptions?: Record<string, unknown>;
  /** Compiled worker module; the ORT worker by default (tests pass fixtures). */
  workerFile?: string;
  bufferPoolBytes?: number;
  /**
   * This thread's buffer pool: when set, workers send input buffers back after each run and they
   * are released here for the next request's tensors (see BufferPool).
   */
  buffers?: BufferPool;
  onWorkerRestart?: (workerId: number, reason: string) => void;
}

export const ORT_WORKER_FILE = join(__dirname, '..', 'worker', 'ort.worker.js');

/**
 * A device's pool of worker threads (piscina), each pinning the device's ORT sessions.
 * Kept alive for the life of the pool: min = max threads, no idle timeout, no abort signals.
 * Piscina starts, replaces and stops the workers and broadcasts loads and unloads; runs go
 * through each worker's own port (RunChannels), which costs the hop less than a piscina task.
 */
export class PiscinaDevicePool implements DevicePool {
  readonly device: DeviceInfo;
  private readonly logger: Logger;
  private readonly manifest = new ModelManifest();
  private piscina?: Piscina;
  private channels?: RunChannels;
  private closing = false;
  private tasksInFlight = 0;
  private completed = 0;
  private failed = 0;
  private restarts = 0;
  /** Workers piscina is terminating because their run was aborted as hung. */
  private recycling = 0;

  constructor(private readonly options: PiscinaPoolOptions) {
    this.device = options.device;
    this.logger = new Logger(`${PiscinaDevicePool.name}(${this.device.id})`);
  }

  get capacity(): number {
    return this.options.workers * this.options.concurrentTasksPerWorker;
  }

  get inFlight(): number {
    return this.tasksInFlight;
  }

  async start(): Promise<void> {
    const workerData: WorkerConfig = {
      deviceId: this.device.id,
      executionProvider: this.device.executionProvider ?? 'cpu',
      intraOpThreads: this.options.intraOpThreads,
      providerOptions: this.options.providerOptions ?? {},
      bufferPoolBytes: this.options.bufferPoolBytes ?? 64 * 2 ** 20,
      manifest: this.manifest.buffer,
    };
    const piscina = new Piscina({
      filename: this.options.workerFile ?? ORT_WORKER_FILE,
      minThreads: this.options.workers,
      maxThreads: this.options.workers,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: this.options.concurrentTasksPerWorker,
      workerData,
      // piscina's own wait/run histograms: nothing reads them (the pool reports its timings)
      recordTiming: false,
      // a worker between piscina tasks must keep its event loop running: its runs arrive on its
      // run port, which a worker blocked in Atomics.wait (piscina's default) would never read
      atomics: 'disabled',
    });
    const channels = new RunChannels({
      deviceId: this.device.id,
      perWorker: this.options.concurrentTasksPerWorker,
      onRecycle: () => this.recycling++,
    });
    piscina.on('message', (message: unknown) => {
      if (!isRunPortMessage(message)) return;
      const worker = piscina.threads.find((w) => w.threadId === message.threadId);
      if (worker) channels.add(worker, message[RUN_PORT]);
    });
    // piscina emits 'error' for a worker that dies with no task: without a listener it would throw
    piscina.on('error', (err: Error) => this.logger.error(`worker error: ${err.message}`));
    piscina.on('workerDestroy', () => {
      if (this.closing) return;
      this.restarts++;
      const recycled = this.recycling > 0;
      if (recycled) this.recycling--;
      const reason = recycled ? 'worker recycled after a run was abandoned as hung' : 'worker exited';
      this.logger.warn(`${reason}; it is being replaced (${this.restarts} restarts so far)`);
      this.options.onWorkerRestart?.(-1, reason);
    });
    this.piscina = piscina;
    this.channels = channels;
  }

  async loadModel(spec: ModelLoadSpec): Promise<ModelSessionMetadata> {
    const piscina = this.requireStarted();
    this.manifest.set(spec);
    const workers = this.options.workers;
    const barrier = new SharedArrayBuffer(4);
    try {
      const replies = (await Promise.all(
        Array.from({ length: workers }, () => piscina.run({ key: spec.key, path: spec.path, barrier, workers }, { name: 'load' })),
      )) as LoadReply[];
      return { inputs: replies[0].inputs, outputs: replies[0].outputs, loadMs: Math.max(...replies.map((r) => r.loadMs)) };
    } catch (err) {
      this.manifest.delete(spec.key);
      throw err;
    }
  }

  async unloadModel(modelKey: string): Promise<void> {
    const piscina = this.requireStarted();
    this.manifest.delete(modelKey);
    const workers = this.options.workers;
    const barrier = new SharedArrayBuffer(4);
    await Promise.all(Array.from({ length: workers }, () => piscina.run({ key: modelKey, barrier, workers }, { name: 'unload' })));
  }

  async run(task: InferenceTask, options: RunOptions = {}): Promise<TaskResult> {
    const channels = this.requireChannels();
    const spec = this.manifest.get(task.modelKey);
    if (!spec) throw new InferenceFailedError(`model ${task.modelKey} is not loaded on ${this.device.id}`);
    const request: RunRequest = {
      key: task.modelKey,
      path: spec.path,
      inputs: task.inputs,
      outputNames: task.outputNames,
      acceptedAt: performance.timeOrigin + performance.now(),
      recycle: this.options.buffers !== undefined,
    };
    this.tasksInFlight++;
    try {
      // big buffers move, small ones are cloned (cheaper than a transfer); an abort fails the run
      // at once and terminates its worker (RunAbortedError), a worker that dies fails its runs
      // (WorkerDiedError), an error in the run fails only the run (InferenceFailedError)
      const { outputs, timings, recycled } = await channels.run(request, transferable(task.inputs), options.abort);
      for (const buffer of recycled) this.options.buffers?.release(buffer);
      this.completed++;
      return { outputs, timings };
    } catch (err) {
      this.failed++;
      throw err;
    } finally {
      this.tasksInFlight--;
    }
  }

  stats(): PoolStats {
    return {
      deviceId: this.device.id,
      workers: this.piscina?.threads.length ?? 0,
      capacity: this.capacity,
      inFlight: this.inFlight,
      completed: this.completed,
      failed: this.failed,
      restarts: this.restarts,
      isolation: 'thread',
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    // a worker terminated inside a native run can abort the whole process (a Napi::Error at
    // teardown): let the runs in flight end first, for a bounded time
    const until = performance.now() + CLOSE_GRACE_MS;
    while (this.tasksInFlight > 0 && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    this.channels?.close();
    await this.piscina?.destroy();
    this.piscina = undefined;
    this.channels = undefined;
  }

  private requireStarted(): Piscina {
    if (!this.piscina || this.closing) throw new InferenceFailedError(`the pool of ${this.device.id} is not running`);
    return this.piscina;
  }

  /** Set with piscina in start(), dropped with it in close(). */
  private requireChannels(): RunChannels {
    this.requireStarted();
    return this.channels!;
  }
}

/** The input buffers big enough to be moved rather than cloned. */
function transferable(inputs: readonly { data: ArrayBuffer }[]): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const t of inputs) if (isTransferred(t.data)) list.push(t.data);
  return list;
}
