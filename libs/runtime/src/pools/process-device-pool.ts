import { Logger } from '@nestjs/common';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { InferenceFailedError } from '@switchyard/common';
import type { DeviceInfo } from '@switchyard/devices';
import type { DevicePool, PoolStats } from '../interfaces/device-pool.interface';
import type { InferenceTask, ModelLoadSpec, ModelSessionMetadata, TaskResult } from '../interfaces/inference-task.interface';
import { WorkerDiedError } from '../errors/worker-died.error';
import type { PiscinaPoolOptions } from './piscina-device-pool';
import type { HostReply, HostRequest, HostRequestBody } from './process-protocol';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; op: HostRequest['op'] };

export const POOL_HOST_FILE = join(__dirname, 'process-pool-host.js');

/**
 * The same device pool, hosted in a child process: a native crash there fails the tasks in
 * flight (WorkerDiedError), and the child is started again with the models it had.
 *
 * @remarks Tensors are copied over IPC (structured clone), a cost paid for isolation.
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
  private inFlight = 0;
  private completed = 0;
  private failed = 0;
  private restarts = 0;

  constructor(
    private readonly options: PiscinaPoolOptions,
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

  async run(task: InferenceTask): Promise<TaskResult> {
    await this.starting;
    this.inFlight++;
    try {
      const result = (await this.call({ op: 'run', payload: task })) as TaskResult;
      this.completed++;
      return result;
    } catch (err) {
      this.failed++;
      throw err;
    } finally {
      this.inFlight--;
    }
  }

  stats(): PoolStats {
    return {
      deviceId: this.device.id,
      workers: this.child?.connected ? this.options.workers : 0,
      capacity: this.options.workers * this.options.concurrentTasksPerWorker,
      inFlight: this.inFlight,
      completed: this.completed,
      failed: this.failed,
      restarts: this.restarts,
      isolation: 'process',
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  private async spawn(): Promise<void> {
    const child = fork(this.hostFile, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    child.on('message', (message: HostReply) => this.onReply(message));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    // callbacks and this thread's buffer pool stay here; tensors cross IPC as copies
    const { onWorkerRestart: _, buffers: __, ...options } = this.options;
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
    this.logger.error(`${reason}; starting a new one`);
    this.options.onWorkerRestart?.(-1, reason);
    this.starting = this.spawn().catch((err: Error) => this.logger.error(`restart failed: ${err.message}`));
  }
}
