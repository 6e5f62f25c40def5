import { Inject, Injectable, Logger } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { DeviceHealthService } from '@switchyard/devices';
import { ModelRepositoryService, type ServedModel } from '@switchyard/models';
import { RunAbort, RuntimeService, type DevicePool } from '@switchyard/runtime';
import { syntheticInputs } from '../calibration/synthetic-inputs';
import { SCHEDULER_CLOCK, type Clock, type TimerHandle } from '../dispatch/clock.interface';
import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import { runBoundMs } from './run-bound';

/**
 * Re-admission of quarantined devices: after the device's backoff, a probe run of the calibration
 * inputs (batch 1) of each model loaded there, quickest first, straight on its pool, each bounded
 * like a first run (a probe that hangs recycles the worker or process again). A good probe
 * re-admits the device; a failed one doubles the backoff and schedules the next.
 *
 * @remarks Every model, not only the quickest: a quarantine mostly follows a recycled worker or
 * process, whose sessions are cold. A GPU compiles its kernels on a session's first run (seconds
 * for WebGPU shaders on lavapipe, more for a TensorRT engine), and traffic would pay that under
 * the bound of a warm run (the estimator knows the model): declared hung, recycled, cold again.
 */
@Injectable()
export class DeviceProber {
  private readonly logger = new Logger(DeviceProber.name);
  private readonly timers = new Map<string, TimerHandle>();
  private stopped = false;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly runtime: RuntimeService,
    private readonly models: ModelRepositoryService,
    private readonly estimator: EwmaServiceTimeEstimator,
    private readonly health: DeviceHealthService,
    @Inject(SCHEDULER_CLOCK) private readonly clock: Clock,
  ) {}

  /** Probes the device after its current backoff (replacing a probe already scheduled). */
  schedule(deviceId: string): void {
    if (this.stopped) return;
    this.clock.clearTimer(this.timers.get(deviceId));
    const delayMs = this.health.probeDelayMs(deviceId);
    this.timers.set(
      deviceId,
      this.clock.setTimer(() => {
        this.timers.delete(deviceId);
        void this.probe(deviceId);
      }, delayMs),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) this.clock.clearTimer(timer);
    this.timers.clear();
  }

  private async probe(deviceId: string): Promise<void> {
    if (this.stopped || !this.health.isQuarantined(deviceId)) return;
    const pool = this.runtime.pool(deviceId);
    const models = this.modelsByCost(deviceId);
    if (!pool || !models.length) {
      // nothing to run there: nothing can hang there either
      this.health.report(deviceId, 'probe-ok', 'no model is loaded there to probe');
      return;
    }
    const answered: string[] = [];
    try {
      for (const model of models) answered.push(`${model.key} answered in ${Math.round(await this.probeRun(pool, deviceId, model))} ms`);
      const [first, ...rest] = answered;
      this.health.report(
        deviceId,
        'probe-ok',
        `a probe run of ${first}${rest.length ? `; its other models warmed up: ${rest.join(', ')}` : ''}`,
      );
    } catch (err) {
      this.logger.warn(`${deviceId}: probe run of ${models[answered.length].key} failed: ${(err as Error).message}`);
      this.health.report(deviceId, 'probe-failed', (err as Error).message);
      this.schedule(deviceId);
    }
  }

  /** One bounded run of `model`'s calibration inputs at batch 1; resolves with its time in ms. */
  private async probeRun(pool: DevicePool, deviceId: string, model: ServedModel): Promise<number> {
    const predictedMs = this.estimator.estimate(model.key, deviceId, 1)?.ms ?? 0;
    // a probe often follows a restart: the new process or worker loads its sessions first, and compiles on a first run
    const boundMs = runBoundMs(this.config.health, predictedMs, true);
    const hung = new RunAbort();
    const timer = this.clock.setTimer(() => hung.abort(`the probe run got no answer after ${Math.round(boundMs)} ms`), boundMs);
    try {
      const started = this.clock.now();
      await pool.run({ modelKey: model.key, inputs: syntheticInputs(model, 1) }, { abort: hung });
      return this.clock.now() - started;
    } finally {
      this.clock.clearTimer(timer);
    }
  }

  /** The models ready on the device, quickest first (unknown ones last). */
  private modelsByCost(deviceId: string): ServedModel[] {
    const loaded = this.models.list().filter((m) => m.state === 'READY' && m.devices.includes(deviceId));
    const cost = (m: ServedModel) => this.estimator.estimate(m.key, deviceId, 1)?.ms ?? Infinity;
    return loaded.sort((a, b) => cost(a) - cost(b));
  }
}
