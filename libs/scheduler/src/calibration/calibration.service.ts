import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { ModelRepositoryService, type ServedModel } from '@switchyard/models';
import { RuntimeService, type DevicePool } from '@switchyard/runtime';
import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import { calibratePair } from './calibrate-pair';
import type { CalibrationPairResult, CalibrationProfile } from './calibration-profile.interface';
import type { CalibrationProfileSource } from './calibration-profile-source.interface';
import type { CalibrationState } from './calibration-state.interface';
import { HostFactsAdapter } from './host-facts.adapter';
import { hostFingerprint, type FingerprintInputs } from './host-fingerprint';
import { ProfileStoreAdapter } from './profile-store.adapter';

/**
 * Start-up calibration: once the models are loaded, seeds the estimator with measured service
 * times per (model, device, batch size): from profiles/<fingerprint>.json when this host already
 * has one (mode auto), else by a short bounded sweep on every pool, stored for the next start.
 *
 * @remarks Runs in the background after bootstrap: liveness does not wait, and the scheduler
 * places jobs meanwhile (exploring what is still unknown). Devices are measured one at a time so
 * they do not disturb each other's numbers (lavapipe uses the same cores as the CPU pool).
 */
@Injectable()
export class CalibrationService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CalibrationService.name);
  private current: CalibrationState;
  private done: Promise<void> = Promise.resolve();
  private readonly sources: CalibrationProfileSource[] = [];
  private inUse: CalibrationProfile | undefined;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly runtime: RuntimeService,
    private readonly models: ModelRepositoryService,
    private readonly estimator: EwmaServiceTimeEstimator,
    private readonly store: ProfileStoreAdapter,
    private readonly host: HostFactsAdapter,
  ) {
    this.current = { mode: config.scheduler.calibration, status: 'waiting', pairsDone: 0, pairsTotal: 0 };
    models.addReadinessGate((model) => this.prepareLoaded(model));
  }

  /**
   * A version loaded at run time (repository API, poll) turns READY only after warm-up runs and,
   * unless calibration is skipped, its calibration on every device it was pinned on.
   */
  private async prepareLoaded(model: ServedModel): Promise<void> {
    const pools = this.runtime.pools().filter((p) => model.devices.includes(p.device.id));
    const skip = this.config.scheduler.calibration === 'skip';
    for (const pool of pools) {
      const { calibrationBudgetMs: budgetMs, calibrationMaxBatch: maxBatch } = this.config.scheduler;
      // with calibration off, a sweep capped at batch 1 and no budget is the warm-up alone
      const pair = await calibratePair(pool, model, skip ? { budgetMs: 0, maxBatch: 1, repeats: 1 } : { budgetMs, maxBatch });
      if (pair.error && pool.device.kind === 'remote') {
        // another server's trouble does not keep the version from serving here; its health learns of it
        this.logger.warn(`${model.key}: warm-up on ${pool.device.id} failed, the version serves without it: ${pair.error}`);
        continue;
      }
      if (pair.error) throw new Error(`${pool.device.id}: ${pair.error}`);
      if (!skip && pair.points.length) {
        this.estimator.seed(
          model.key,
          pool.device.id,
          pair.points.map((p) => ({ batchSize: p.batchSize, ms: p.ms, samples: p.runs })),
        );
      }
      this.logger.log(`${model.key} ${skip ? 'warmed up' : 'calibrated'} on ${pool.device.id}: ${describePair(pair)}`);
    }
  }

  /** Another place to look for this host's profile before measuring (the cluster: a warm start). */
  addProfileSource(source: CalibrationProfileSource): void {
    this.sources.push(source);
  }

  /** The profile the estimator was seeded from (measured here or reused), once there is one. */
  profile(): CalibrationProfile | undefined {
    return this.inUse;
  }

  /** What this host's fingerprints are made of: the devices with a pool and the models loaded now. */
  fingerprintInputs(): FingerprintInputs {
    const ready = this.models.list().filter((m) => m.state === 'READY');
    return {
      cpuModel: this.host.cpuModel(),
      devices: this.runtime
        .pools()
        .map(({ device }) => ({ id: device.id, name: device.name, executionProvider: device.executionProvider })),
      ortVersion: this.host.ortVersion(),
      models: ready.map((m) => ({ key: m.key, sha256: m.sha256 })),
    };
  }

  onApplicationBootstrap(): void {
    this.done = this.calibrate().catch((err: Error) => {
      Object.assign(this.current, { status: 'failed', error: err.message });
      this.logger.error(`calibration failed: ${err.message}`);
    });
  }

  state(): CalibrationState {
    return { ...this.current };
  }

  /** Settles when calibration has finished (or failed, or was skipped). */
  whenCalibrated(): Promise<void> {
    return this.done;
  }

  private async calibrate(): Promise<void> {
    const mode = this.config.scheduler.calibration;
    if (mode === 'skip') {
      this.current.status = 'skipped';
      return;
    }
    await this.models.whenLoaded();
    const started = performance.now();
    const pools = this.runtime.pools();
    const ready = this.models.list().filter((m) => m.state === 'READY');
    const inputs = this.fingerprintInputs();
    const fingerprint = hostFingerprint(inputs);
    const dir = this.config.scheduler.profilesDir;
    Object.assign(this.current, { fingerprint, profileFile: this.store.path(dir, fingerprint) });
    if (mode === 'auto') {
      const stored = await this.store.read(dir, fingerprint).catch((err: Error) => {
        this.logger.warn(`ignoring unreadable profile ${this.store.path(dir, fingerprint)}: ${err.message}`);
        return undefined;
      });
      if (stored) {
        this.reuse(stored, 'file', started);
        this.logger.log(`reusing calibration profile ${this.current.profileFile} of ${stored.createdAt}`);
        return;
      }
      const shared = await this.findElsewhere(fingerprint);
      if (shared) {
        // said before the state shows it: whoever sees 'reused' in GET /v1/cluster finds the line in the log
        this.logger.log(
          `warm start: reusing the calibration profile ${fingerprint} of cluster node ${shared.from} (measured ${shared.profile.createdAt}), start-up calibration skipped`,
        );
        this.reuse(shared.profile, `cluster:${shared.from}`, started);
        await this.store
          .write(dir, shared.profile)
          .catch((err: Error) => this.logger.warn(`could not store the shared profile: ${err.message}`));
        return;
      }
    }
    const pairs = await this.sweep(pools, ready);
    const profile: CalibrationProfile = {
      version: 1,
      fingerprint,
      createdAt: new Date().toISOString(),
      host: inputs,
      pairs,
      estimator: this.estimator.toJSON(),
    };
    profile.estimator.curves = profile.estimator.curves.filter((c) =>
      pairs.some((p) => p.model === c.modelKey && p.deviceId === c.deviceId && p.points.length),
    );
    const file = await this.store.write(dir, profile);
    this.inUse = profile;
    Object.assign(this.current, {
      status: 'calibrated',
      calibratedAt: profile.createdAt,
      profileFile: file,
      elapsedMs: Math.round(performance.now() - started),
    });
  }

  private reuse(profile: CalibrationProfile, source: string, started: number): void {
    this.estimator.load(profile.estimator);
    this.inUse = profile;
    Object.assign(this.current, {
      status: 'reused',
      source,
      calibratedAt: profile.createdAt,
      pairsDone: profile.pairs.length,
      pairsTotal: profile.pairs.length,
      elapsedMs: Math.round(performance.now() - started),
    });
  }

  /** The first source that has a profile of this fingerprint (a source that fails counts as none). */
  private async findElsewhere(fingerprint: string): Promise<{ profile: CalibrationProfile; from: string } | undefined> {
    for (const source of this.sources) {
      const found = await source.find(fingerprint).catch((err: Error) => {
        this.logger.warn(`calibration profile source failed: ${err.message}`);
        return undefined;
      });
      if (found?.profile.version === 1 && found.profile.fingerprint === fingerprint) return found;
    }
    return undefined;
  }

  private async sweep(pools: DevicePool[], models: ServedModel[]): Promise<CalibrationPairResult[]> {
    const work = pools.map((pool) => ({ pool, models: models.filter((m) => m.devices.includes(pool.device.id)) }));
    Object.assign(this.current, { status: 'running', pairsDone: 0, pairsTotal: work.reduce((n, w) => n + w.models.length, 0) });
    const { calibrationBudgetMs: budgetMs, calibrationMaxBatch: maxBatch } = this.config.scheduler;
    const results: CalibrationPairResult[] = [];
    for (const { pool, models: onDevice } of work) {
      const lines: string[] = [];
      for (const model of onDevice) {
        const pair = await calibratePair(pool, model, { budgetMs, maxBatch });
        if (pair.points.length) {
          this.estimator.seed(
            model.key,
            pool.device.id,
            pair.points.map((p) => ({ batchSize: p.batchSize, ms: p.ms, samples: p.runs })),
          );
        }
        results.push(pair);
        this.current.pairsDone++;
        lines.push(describePair(pair));
      }
      this.logger.log(`calibrated ${pool.device.id} (${onDevice.length} models): ${lines.join('; ') || 'nothing loaded'}`);
    }
    return results;
  }
}

function describePair(pair: CalibrationPairResult): string {
  if (pair.error) return `${pair.model} failed (${pair.error})`;
  const points = pair.points.map((p) => `b${p.batchSize}=${p.ms.toFixed(2)}ms`).join(' ');
  return `${pair.model} ${points}${pair.truncated ? ' (budget reached)' : ''} in ${Math.round(pair.elapsedMs)} ms`;
}
