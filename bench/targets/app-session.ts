import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwitchyardEvents } from '@switchyard/common';
import { ModelRepositoryService, type ServedModel } from '@switchyard/models';
import { RuntimeService } from '@switchyard/runtime';
import { EwmaServiceTimeEstimator, SchedulerService } from '@switchyard/scheduler';
import { CalibrationService } from '@switchyard/scheduler/testing';
import { createApp } from '../../apps/server/src/bootstrap';
import type { EstimatorSnapshot } from '@switchyard/scheduler';
import type { TargetHostInfo } from './real-target.interface';

/**
 * The real app booted in this process without listening (createApp + init): device discovery,
 * pools, model loading and start-up calibration exactly as `npm start` does them.
 */
export class AppSession {
  private snapshot?: EstimatorSnapshot;

  private constructor(readonly app: NestFastifyApplication) {}

  /** Boots the app with `overrides` (SWITCHYARD_* names without the prefix) and waits for models and calibration. */
  static async boot(overrides: Record<string, string | number | boolean>): Promise<AppSession> {
    // each session its own jobs store: several sessions may live in one process
    const app = await createApp({
      PORT: 0,
      LOG_LEVEL: 'warn',
      TELEMETRY_INTERVAL_MS: 0,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-bench-data-')),
      ...overrides,
    });
    await app.init();
    const session = new AppSession(app);
    await app.get(ModelRepositoryService).whenLoaded();
    await app.get(CalibrationService).whenCalibrated();
    session.snapshot = session.estimator.toJSON();
    return session;
  }

  get scheduler(): SchedulerService {
    return this.app.get(SchedulerService);
  }

  get runtime(): RuntimeService {
    return this.app.get(RuntimeService);
  }

  get estimator(): EwmaServiceTimeEstimator {
    return this.app.get(EwmaServiceTimeEstimator);
  }

  get events(): SwitchyardEvents {
    return this.app.get(SwitchyardEvents);
  }

  model(name: string): ServedModel {
    const model = this.app.get(ModelRepositoryService).get(name);
    if (model.state !== 'READY') throw new Error(`model ${name} is ${model.state}${model.reason ? `: ${model.reason}` : ''}`);
    return model;
  }

  /** Puts the estimator back to what calibration left, so every lane starts from the same knowledge. */
  resetEstimator(): void {
    const estimator = this.estimator;
    for (const model of this.app.get(ModelRepositoryService).list()) estimator.forget(model.key);
    if (this.snapshot) estimator.load(this.snapshot);
  }

  host(): TargetHostInfo {
    const pools = this.runtime.pools();
    const calibration = this.app.get(CalibrationService).state();
    return {
      devices: pools.map((p) => ({
        id: p.device.id,
        kind: p.device.kind,
        costWeight: p.device.costWeight,
        slots: Math.max(1, p.stats().capacity),
      })),
      workers: Object.fromEntries(pools.map((p) => [p.device.id, Math.max(1, p.stats().workers)])),
      calibrationStatus: calibration.status,
      ...(calibration.profileFile ? { calibrationProfile: calibration.profileFile } : {}),
    };
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
