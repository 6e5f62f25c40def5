import type { ModelMetadataDto } from '@switchyard/inference';
import { encodeInferRequest, HEADER_LENGTH, splitInferResponse } from '../../clients';
import type { SchedulerStatusDto } from '@switchyard/scheduler';
import type { LoadRequest, SendResult } from '../load/request-record.interface';
import type { WorkloadClass } from '../scenario/workload-classes';
import { HttpClient } from './http-client';
import type { LaneSpec, RealTarget, TargetHostInfo } from './real-target.interface';
import { ServerProcess } from './server-process';
import { SyntheticTensors } from './synthetic-tensors';

export interface HttpTargetOptions {
  /** An already running server; otherwise one is spawned from `distRoot` with `app` options. */
  url?: string;
  distRoot: string;
  app: Record<string, string | number | boolean>;
  maxSockets: number;
  /** How long to wait for start-up calibration to settle. @defaultValue 300000 */
  calibrationTimeoutMs?: number;
}

/**
 * The real REST path: POST /v2/models/{m}/infer with binary tensor data from this process (the
 * load generator) to a server in another process. Policy lanes send parameters.policy,
 * single-device lanes parameters.device. The estimator is not reset between lanes (there is no
 * API for it): lanes run in the listed order and each starts from what the previous ones taught.
 */
export class HttpTarget implements RealTarget {
  readonly name = 'http' as const;
  readonly servesInProcess = false;

  private constructor(
    private readonly client: HttpClient,
    private readonly info: TargetHostInfo,
    private readonly metadata: Map<string, { model: ModelMetadataDto; batching: boolean }>,
    private readonly server?: ServerProcess,
  ) {}

  static async start(options: HttpTargetOptions, models: readonly string[]): Promise<HttpTarget> {
    const server = options.url ? undefined : await ServerProcess.start(options.distRoot, { ...options.app, MODELS: models.join(',') });
    const client = new HttpClient(options.url ?? server!.url, options.maxSockets);
    try {
      const status = await waitForCalibration(client, options.calibrationTimeoutMs ?? 300_000);
      const metadata = new Map<string, { model: ModelMetadataDto; batching: boolean }>();
      for (const name of models) {
        const model = await client.json<ModelMetadataDto>(`/v2/models/${name}`);
        const config = await client.json<{ max_batch_size?: number }>(`/v2/models/${name}/config`);
        metadata.set(name, { model, batching: (config.max_batch_size ?? 0) > 0 });
      }
      const info: TargetHostInfo = {
        devices: status.devices.map((d) => ({ id: d.deviceId, kind: d.kind, costWeight: d.costWeight, slots: Math.max(1, d.capacity) })),
        workers: Object.fromEntries(status.devices.map((d) => [d.deviceId, Math.max(1, d.pool.workers)])),
        calibrationStatus: status.calibration.status,
        ...(status.calibration.profileFile ? { calibrationProfile: status.calibration.profileFile } : {}),
      };
      return new HttpTarget(client, info, metadata, server);
    } catch (err) {
      client.close();
      await server?.stop();
      throw err;
    }
  }

  host(): TargetHostInfo {
    return this.info;
  }

  async beforeLane(): Promise<void> {}

  sender(lane: LaneSpec, classes: readonly WorkloadClass[]): (request: LoadRequest) => Promise<SendResult> {
    const bodies = classes.map((c, i) => {
      const meta = this.metadata.get(c.model);
      if (!meta) throw new Error(`model ${c.model} is not served`);
      const tensors = new SyntheticTensors(meta.model.inputs, meta.batching, c.batchSize, 7 + i);
      const parameters: Record<string, unknown> = lane.kind === 'single-device' ? { device: lane.subject } : { policy: lane.subject };
      if (c.priority !== undefined) parameters.priority = c.priority;
      if (c.timeoutMs !== undefined) parameters.timeout = Math.round(c.timeoutMs * 1000);
      const inputs = tensors.view().map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape, bytes: new Uint8Array(t.data) }));
      return encodeInferRequest(inputs, { id: `bench-${lane.lane}-${i}`, parameters });
    });
    return async ({ classIndex }) => {
      const { body, headers } = bodies[classIndex];
      const answer = await this.client.send('POST', `/v2/models/${classes[classIndex].model}/infer`, body, headers);
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.body.toString().slice(0, 200)}`);
      const headerLength = answer.headers[HEADER_LENGTH];
      const header = splitInferResponse(answer.body, typeof headerLength === 'string' ? Number(headerLength) : undefined).json;
      const p = header.parameters ?? {};
      return {
        deviceId: typeof p.device === 'string' ? p.device : 'unknown',
        ...(typeof p.batch_size === 'number' ? { executedBatchSize: p.batch_size } : {}),
        ...(typeof p.queue_ms === 'number' ? { queueMs: p.queue_ms } : {}),
        ...(typeof p.compute_ms === 'number' ? { computeMs: p.compute_ms } : {}),
      };
    };
  }

  async close(): Promise<void> {
    this.client.close();
    await this.server?.stop();
  }
}

async function waitForCalibration(client: HttpClient, timeoutMs: number): Promise<SchedulerStatusDto> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await client.json<SchedulerStatusDto>('/v1/scheduler');
    if (!['waiting', 'running'].includes(status.calibration.status) || Date.now() > until) return status;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
