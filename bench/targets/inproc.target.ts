import { performance } from 'node:perf_hooks';
import type { InferenceJob } from '@switchyard/scheduler';
import type { LoadRequest, SendResult } from '../load/request-record.interface';
import type { WorkloadClass } from '../scenario/workload-classes';
import { AppSession } from './app-session';
import type { LaneSpec, RealTarget, TargetHostInfo } from './real-target.interface';
import { SyntheticTensors } from './synthetic-tensors';

/**
 * The real SchedulerService and pools without HTTP: jobs are built as the inference API builds
 * them (validated shapes, the request's policy / pinned device / priority / timeout) and handed
 * to SchedulerService.submit. Direct lanes call a device's pool with no scheduler in between.
 */
export class InprocTarget implements RealTarget {
  readonly name: 'inproc' | 'direct';
  readonly servesInProcess = true;
  private decisionUs: number[] = [];
  private readonly unsubscribe: () => void;

  private constructor(
    private readonly session: AppSession,
    name: 'inproc' | 'direct',
  ) {
    this.name = name;
    this.unsubscribe = session.events.on('scheduler.decision', (e) => this.decisionUs.push(e.decisionUs));
  }

  static async start(app: Record<string, string | number | boolean>, name: 'inproc' | 'direct' = 'inproc'): Promise<InprocTarget> {
    return new InprocTarget(await AppSession.boot(app), name);
  }

  host(): TargetHostInfo {
    return this.session.host();
  }

  async beforeLane(): Promise<void> {
    this.session.resetEstimator();
    this.decisionUs = [];
  }

  /** Scheduler decision times (µs) seen since the lane started. */
  takeDecisionTimes(): number[] {
    return this.decisionUs;
  }

  sender(lane: LaneSpec, classes: readonly WorkloadClass[]): (request: LoadRequest) => Promise<SendResult> {
    const models = classes.map((c) => this.session.model(c.model));
    const tensors = classes.map((c, i) => new SyntheticTensors(models[i].inputs, models[i].maxBatchSize > 0, c.batchSize, 7 + i));
    if (lane.kind === 'direct') {
      const pool = this.session.runtime.pool(lane.subject);
      if (!pool) throw new Error(`no pool for device ${lane.subject}`);
      return async ({ classIndex }) => {
        const { timings } = await pool.run({ modelKey: models[classIndex].key, inputs: tensors[classIndex].fresh() });
        return {
          deviceId: pool.device.id,
          executedBatchSize: classes[classIndex].batchSize,
          queueMs: timings.queueMs,
          computeMs: timings.runMs,
        };
      };
    }
    const scheduler = this.session.scheduler;
    return async ({ seq, classIndex }) => {
      const c = classes[classIndex];
      const job: InferenceJob = {
        id: `bench-${seq}`,
        model: models[classIndex],
        inputs: tensors[classIndex].fresh(),
        batchSize: c.batchSize,
        receivedAt: performance.now(),
        ...(lane.kind === 'single-device' ? { device: lane.subject } : { policy: lane.subject }),
        ...(c.priority !== undefined ? { priority: c.priority } : {}),
        ...(c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
      };
      const outcome = await scheduler.submit(job);
      return {
        deviceId: outcome.decision.deviceId,
        executedBatchSize: outcome.executedBatchSize,
        queueMs: outcome.timings.queueMs,
        computeMs: outcome.timings.runMs,
      };
    };
  }

  diagnose(): unknown {
    return { queues: this.session.scheduler.queues(), pools: this.session.runtime.pools().map((p) => p.stats()) };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.session.close();
  }
}
