import { Inject, Injectable, Logger } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { DeviceHealthService } from '@switchyard/devices';
import { ModelRepositoryService, type ServedModel } from '@switchyard/models';
import { RunAbort, RuntimeService } from '@switchyard/runtime';
import { syntheticInputs } from '../calibration/synthetic-inputs';
import { SCHEDULER_CLOCK, type Clock, type TimerHandle } from '../dispatch/clock.interface';
import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import { runBoundMs } from './run-bound';

/**
 * Re-admission of quarantined devices: after the device's backoff, one probe run of the
 * calibration inputs (batch 1 of the quickest model loaded there) straight on its pool, bounded
 * like any run (a probe that hangs recycles the worker or process again). A good probe re-admits
 * the device; a failed one doubles the backoff and schedules the next.
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
    const model = this.quickestModel(deviceId);
    if (!pool || !model) {
      // nothing to run there: nothing can hang there either
      this.health.report(deviceId, 'probe-ok', 'no model is loaded there to probe');
      return;
    }
    const predictedMs = this.estimator.estimate(model.key, deviceId, 1)?.ms ?? 0;
    // a probe often follows a restart: the new process or worker loads its sessions first
    const boundMs = runBoundMs(this.config.health, predictedMs, true);
    const hung = new RunAbort();
    const timer = this.clock.setTimer(() => hung.abort(`the probe run got no answer after ${Math.round(boundMs)} ms`), boundMs);
    try {
      const started = this.clock.now();
      await pool.run({ modelKey: model.key, inputs: syntheticInputs(model, 1) }, { abort: hung });
      this.health.report(deviceId, 'probe-ok', `a probe run of ${model.key} answered in ${Math.round(this.clock.now() - started)} ms`);
    } catch (err) {
      this.logger.warn(`${deviceId}: probe run failed: ${(err as Error).message}`);
      this.health.report(deviceId, 'probe-failed', (err as Error).message);
      this.schedule(deviceId);
    } finally {
      this.clock.clearTimer(timer);
    }
  }

  private quickestModel(deviceId: string): ServedModel | undefined {
    const loaded = this.models.list().filter((m) => m.state === 'READY' && m.devices.includes(deviceId));
    const cost = (m: ServedModel) => this.estimator.estimate(m.key, deviceId, 1)?.ms ?? Infinity;
    return loaded.sort((a, b) => cost(a) - cost(b))[0];
  }
}
