import { performance } from 'node:perf_hooks';
import { HOP_HEADER, InferenceFailedError } from '@switchyard/common';
import type { RemoteDeviceConfig } from '@switchyard/config';
import type { DeviceInfo } from '@switchyard/devices';
import type { DevicePool, PoolStats, RunOptions } from '../../interfaces/device-pool.interface';
import type { InferenceTask, ModelLoadSpec, ModelSessionMetadata, TaskResult } from '../../interfaces/inference-task.interface';
import { RemoteUnansweredError } from '../../errors/remote-unanswered.error';
import { RunAbortedError } from '../../errors/run-aborted.error';
import { ConcurrencyGate } from './concurrency-gate';
import { decodeV2Response, encodeV2Request, INFERENCE_HEADER_CONTENT_LENGTH, metadataTensors } from './v2-binary-codec';

/**
 * A remote tier as a device pool: its "run" is one Open Inference Protocol call (binary tensor
 * data extension) to a KServe v2 server, at most `concurrency` at once; "loading" a model asks
 * the server's metadata for that name and version (the model pinner then checks its signature).
 *
 * @remarks Every call carries the hop header, so a Switchyard on the other side never forwards
 * it again. Failures (unreachable, non-200, a body that does not add up) reject with
 * InferenceFailedError, which the dispatcher reports to the device's health and the scheduler
 * retries on a local device; a run declared hung aborts its HTTP call (nothing to recycle).
 */
export class RemoteDevicePool implements DevicePool {
  readonly device: DeviceInfo;
  private readonly gate: ConcurrencyGate;
  private tasksInFlight = 0;
  private completed = 0;
  private failed = 0;

  constructor(
    device: DeviceInfo,
    private readonly remote: RemoteDeviceConfig,
  ) {
    this.device = device;
    this.gate = new ConcurrencyGate(remote.concurrency);
  }

  /** Nothing to start: whether the server answers shows per model (loadModel) and in the device's health. */
  async start(): Promise<void> {}

  async loadModel(spec: ModelLoadSpec): Promise<ModelSessionMetadata> {
    const started = performance.now();
    const { name, version } = splitKey(spec.key);
    const path = `/v2/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
    // a version still loading there may list no tensors yet: matched once it is ready
    const ready = await this.get(`${path}/ready`);
    if (ready.status !== 200) {
      const why = `${name} version ${version} is not ready there (${ready.status} ${ready.text.slice(0, 200)})`;
      if (ready.status === 404)
        throw new Error(`${this.remote.url} does not serve ${name} version ${version} (404 ${ready.text.slice(0, 200)})`);
      throw new RemoteUnansweredError(this.device.id, this.remote.url, why);
    }
    const res = await this.get(path);
    const text = res.text;
    // a server still starting or shedding load answers again later; a 404 or 400 means "not served"
    if (res.status === 503 || res.status === 429 || res.status >= 500) {
      throw new RemoteUnansweredError(
        this.device.id,
        this.remote.url,
        `its metadata of ${name} version ${version}: ${res.status} ${text.slice(0, 200)}`,
      );
    }
    if (res.status !== 200)
      throw new Error(`${this.remote.url} does not serve ${name} version ${version} (${res.status} ${text.slice(0, 200)})`);
    const meta = JSON.parse(text) as { name?: unknown; versions?: unknown; inputs?: unknown; outputs?: unknown };
    if (meta.name !== name) throw new Error(`${this.remote.url} answered for model ${JSON.stringify(meta.name)}, not ${name}`);
    if (Array.isArray(meta.versions) && !meta.versions.map(String).includes(version)) {
      throw new Error(`${this.remote.url} serves ${name} versions ${meta.versions.join(', ')}, not ${version}`);
    }
    const metadata = {
      inputs: metadataTensors(meta.inputs, 'input'),
      outputs: metadataTensors(meta.outputs, 'output'),
      loadMs: performance.now() - started,
    };
    return metadata;
  }

  /** Nothing is held for a model here: the server keeps its own. */
  async unloadModel(): Promise<void> {}

  async run(task: InferenceTask, options: RunOptions = {}): Promise<TaskResult> {
    this.tasksInFlight++;
    const accepted = performance.now();
    const signal = options.abort?.signal;
    try {
      const release = await this.gate.acquire(signal).catch((reason: unknown) => {
        throw new RunAbortedError(this.device.id, reason);
      });
      try {
        const result = await this.call(task, accepted, signal);
        this.completed++;
        return result;
      } finally {
        release();
      }
    } catch (err) {
      this.failed++;
      throw err;
    } finally {
      this.tasksInFlight--;
    }
  }

  get capacity(): number {
    return this.remote.concurrency;
  }

  get inFlight(): number {
    return this.tasksInFlight;
  }

  stats(): PoolStats {
    return {
      deviceId: this.device.id,
      workers: this.remote.concurrency,
      capacity: this.capacity,
      inFlight: this.tasksInFlight,
      completed: this.completed,
      failed: this.failed,
      restarts: 0,
      isolation: 'remote',
    };
  }

  async close(): Promise<void> {}

  private async call(task: InferenceTask, accepted: number, signal: AbortSignal | undefined): Promise<TaskResult> {
    const { name, version } = splitKey(task.modelKey);
    const encodeStart = performance.now();
    const { body, headerLength } = encodeV2Request(task);
    const sent = performance.now();
    let res: Response;
    let answer: Buffer;
    try {
      res = await fetch(`${this.remote.url}/v2/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/infer`, {
        method: 'POST',
        headers: {
          ...this.headers(),
          'content-type': 'application/octet-stream',
          [INFERENCE_HEADER_CONTENT_LENGTH]: String(headerLength),
          [HOP_HEADER]: '1',
        },
        body,
        ...(signal ? { signal } : {}),
      });
      answer = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      if (signal?.aborted) throw new RunAbortedError(this.device.id, signal.reason);
      throw new InferenceFailedError(`${this.device.id} (${this.remote.url}) is unreachable: ${describe(err)}`);
    }
    const received = performance.now();
    if (res.status !== 200) {
      throw new InferenceFailedError(
        `${this.device.id} answered ${res.status}: ${answer.toString('utf8', 0, Math.min(answer.length, 300))}`,
      );
    }
    const length = res.headers.get(INFERENCE_HEADER_CONTENT_LENGTH);
    let outputs;
    try {
      outputs = decodeV2Response(answer, length === null ? undefined : Number(length));
    } catch (err) {
      throw new InferenceFailedError(`${this.device.id} sent an answer that cannot be read: ${(err as Error).message}`);
    }
    return {
      outputs,
      // the round trip is the "run" the estimator learns; encoding and decoding here the marshalling
      timings: {
        queueMs: encodeStart - accepted,
        runMs: received - sent,
        marshalMs: sent - encodeStart + (performance.now() - received),
        workerId: 0,
      },
    };
  }

  /** A GET bounded by connect_timeout_ms; not answering is a RemoteUnansweredError. */
  private async get(path: string): Promise<{ status: number; text: string }> {
    try {
      const res = await fetch(`${this.remote.url}${path}`, {
        headers: this.headers(),
        signal: AbortSignal.timeout(this.remote.connectTimeoutMs),
      });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      throw new RemoteUnansweredError(this.device.id, this.remote.url, describe(err));
    }
  }

  private headers(): Record<string, string> {
    return this.remote.key !== undefined ? { authorization: `Bearer ${this.remote.key}` } : {};
  }
}

/** "<name>@<version>" (a model name may hold "@"; the version never does). */
function splitKey(key: string): { name: string; version: string } {
  const at = key.lastIndexOf('@');
  return { name: key.slice(0, at), version: key.slice(at + 1) };
}

/** fetch's "fetch failed" says little: the cause (ECONNREFUSED, ECONNRESET, a timeout) says what happened. */
function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause ? `${e.message} (${e.cause.code ?? e.cause.message})` : e.message;
}
