import { Logger } from '@nestjs/common';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { InferenceFailedError } from '@switchyard/common';
import type { DeviceInfo } from '@switchyard/devices';
import type { DevicePool, PoolStats, RunOptions } from '../interfaces/device-pool.interface';
import type { InferenceTask, ModelLoadSpec, ModelSessionMetadata, TaskResult } from '../interfaces/inference-task.interface';
import { RunAbortedError } from '../errors/run-aborted.error';
import { WorkerDiedError } from '../errors/worker-died.error';
import type { PiscinaPoolOptions } from './piscina-device-pool';
import type { HostReply, HostRequest, HostRequestBody } from './process-protocol';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; op: HostRequest['op'] };

export const POOL_HOST_FILE = join(__dirname, 'process-pool-host.js');

/** How long a pool process has to exit after SIGTERM before it gets SIGKILL (a frozen one never does). */
const KILL_GRACE_MS = 1000;
/** Longest wait before restarting a pool process that keeps crashing. */
const MAX_RESTART_BACKOFF_MS = 30_000;

export interface ProcessPoolOptions extends PiscinaPoolOptions {
  /** First wait before a crashed process restarts, doubling per crash in a row (a good run resets it). @defaultValue 250 */
  restartBackoffMs?: number;
}

/**
 * The same device pool, hosted in a child process: a native crash there fails the tasks in
 * flight (WorkerDiedError), and the child is started again with the models it had.
 *
 * @remarks Tensors are copied over IPC (structured clone), a cost paid for isolation. A run
 * aborted as hung recycles the whole process (SIGTERM, SIGKILL after a grace): every task in it
 * fails with WorkerDiedError. Restarts back off exponentially while the process keeps crashing.
 */
export class ProcessDevicePool implements DevicePool {
  readonly device: DeviceInfo;
  private readonly logger: Logger;
  private readonly models = new Map<string, ModelLoadSpec>();
  private readonly pending = new Map<number, Pending>();
  private child?: ChildProcess;
  private starting?: Promise<void>;
  private nextId = 1;
  private closing = false;
  private tasksInFlight = 0;
  private completed = 0;
  private failed = 0;
  private restarts = 0;
  /** Crashes since the last good run: the exponent of the restart backoff. */
  private crashesInARow = 0;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    private readonly options: ProcessPoolOptions,
    private readonly hostFile = POOL_HOST_FILE,
  ) {
    this.device = options.device;
    this.logger = new Logger(`${ProcessDevicePool.name}(${this.device.id})`);
  }

  start(): Promise<void> {
    this.starting = this.spawn();
    return this.starting;
  }

  async loadModel(spec: ModelLoadSpec): Promise<ModelSessionMetadata> {
    await this.starting;
    const meta = (await this.call({ op: 'load', payload: spec })) as ModelSessionMetadata;
    this.models.set(spec.key, spec);
    return meta;
  }

  async unloadModel(modelKey: string): Promise<void> {
    await this.starting;
    this.models.delete(modelKey);
    await this.call({ op: 'unload', payload: { key: modelKey } });
  }

  async run(task: InferenceTask, options: RunOptions = {}): Promise<TaskResult> {
    this.tasksInFlight++;
    try {
      await this.starting;
      // declared hung while the process was (re)starting: nothing runs it yet, so nothing to recycle
      const signal = options.abort?.signal;
      if (signal?.aborted) throw new RunAbortedError(this.device.id, signal.reason);
      const result = (await this.abortable(this.call({ op: 'run', payload: task }), signal)) as TaskResult;
      this.completed++;
      this.crashesInARow = 0;
      return result;
    } catch (err) {
      this.failed++;
      throw err;
    } finally {
      this.tasksInFlight--;
    }
  }

  /** Settles with `call`, or rejects at once when `signal` aborts, and then recycles the process. */
  private abortable(call: Promise<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
    if (!signal) return call;
    const child = this.child;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        reject(new RunAbortedError(this.device.id, signal.reason));
        if (child && child === this.child) this.recycle(child, `a run was abandoned as hung (${String(signal.reason)})`);
      };
      call.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends a process that may be frozen: SIGTERM, then SIGKILL when it has not exited after the grace. */
  private recycle(child: ChildProcess, why: string): void {
    if (child.exitCode !== null || child.signalCode !== null) return;
    this.logger.warn(`recycling the pool process ${child.pid}: ${why}`);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    timer.unref();
    child.once('exit', () => clearTimeout(timer));
  }

  get capacity(): number {
    return this.options.workers * this.options.concurrentTasksPerWorker;
  }

  get inFlight(): number {
    return this.tasksInFlight;
  }

  stats(): PoolStats {
    return {
      deviceId: this.device.id,
      workers: this.child?.connected ? this.options.workers : 0,
      capacity: this.capacity,
      inFlight: this.tasksInFlight,
      completed: this.completed,
      failed: this.failed,
      restarts: this.restarts,
      isolation: 'process',
      ...(this.child?.pid !== undefined ? { pid: this.child.pid } : {}),
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      this.recycle(child, 'the pool is closing');
    });
  }

  private async spawn(): Promise<void> {
    const child = fork(this.hostFile, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    child.on('message', (message: HostReply) => this.onReply(message));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    // callbacks and this thread's buffer pool stay here; tensors cross IPC as copies
    const { onWorkerRestart: _, buffers: __, restartBackoffMs: ___, ...options } = this.options;
    await this.send(child, { op: 'start', options });
    for (const spec of this.models.values()) await this.send(child, { op: 'load', payload: spec });
  }

  private call(request: HostRequestBody): Promise<unknown> {
    const child = this.child;
    if (!child || this.closing) return Promise.reject(new InferenceFailedError(`the pool of ${this.device.id} is not running`));
    return this.send(child, request);
  }

  private send(child: ChildProcess, request: HostRequestBody): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, op: request.op });
      child.send({ ...request, id }, (err) => {
        if (err) {
          this.pending.delete(id);
          reject(new WorkerDiedError(this.device.id, err));
        }
      });
    });
  }

  private onReply(message: HostReply): void {
    if ('notice' in message) {
      this.restarts++;
      this.options.onWorkerRestart?.(message.workerId, message.reason);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new InferenceFailedError(message.error.message));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    const reason = `pool process exited (${signal ?? `code ${code}`})`;
    for (const [id, pending] of this.pending) {
      pending.reject(new WorkerDiedError(this.device.id, new Error(reason)));
      this.pending.delete(id);
    }
    this.child = undefined;
    if (this.closing) return;
    this.restarts++;
    const waitMs = Math.min(MAX_RESTART_BACKOFF_MS, (this.options.restartBackoffMs ?? 250) * 2 ** this.crashesInARow++);
    this.logger.error(`${reason}; starting a new one in ${waitMs} ms`);
    this.options.onWorkerRestart?.(-1, reason);
    this.starting = new Promise<void>((resolve) => {
      this.restartTimer = setTimeout(resolve, waitMs);
    })
      .then(() => (this.closing ? undefined : this.spawn()))
      .catch((err: Error) => this.logger.error(`restart failed: ${err.message}`));
  }
}
