import { loadConfig } from '@switchyard/config';
import type { ModelRepositoryService, ServedModel } from '@switchyard/models';
import type { DevicePool, RuntimeService } from '@switchyard/runtime';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoServedModel } from '../dispatch/testing/demo-served-model';
import { InlineOrtPool } from '../dispatch/testing/inline-ort-pool';
import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import type { CalibrationProfile } from './calibration-profile.interface';
import type { CalibrationProfileSource } from './calibration-profile-source.interface';
import { CalibrationService } from './calibration.service';
import { HostFactsAdapter } from './host-facts.adapter';
import { ProfileStoreAdapter } from './profile-store.adapter';

const modelsRoot = mkdtempSync(join(tmpdir(), 'sy-calib-models-'));

describe(CalibrationService.name, () => {
  let served: Array<{ model: ServedModel; path: string }>;

  beforeAll(async () => {
    served = [await demoServedModel(modelsRoot, 'mlp_tiny'), await demoServedModel(modelsRoot, 'dtype_echo')];
  });

  /** A service over one real inline ORT pool with the demo models loaded, as after start-up. */
  async function start(
    mode: 'auto' | 'skip' | 'force',
    profilesDir: string,
    models = served.map((s) => s.model),
    sources: CalibrationProfileSource[] = [],
  ) {
    const pool = new InlineOrtPool('cpu:0', 1);
    for (const s of served) await pool.loadModel({ key: s.model.key, path: s.path });
    const config = loadConfig({}, { CALIBRATION: mode, PROFILES_DIR: profilesDir, CALIBRATION_BUDGET_MS: 5000, CALIBRATION_MAX_BATCH: 8 });
    const runtime = { pools: (): DevicePool[] => [pool] } as unknown as RuntimeService;
    const repository = {
      whenLoaded: async () => undefined,
      list: () => models,
      addReadinessGate: () => undefined,
    } as unknown as ModelRepositoryService;
    const estimator = new EwmaServiceTimeEstimator();
    const sut = new CalibrationService(config, runtime, repository, estimator, new ProfileStoreAdapter(), new HostFactsAdapter());
    for (const source of sources) sut.addProfileSource(source);
    sut.onApplicationBootstrap();
    await sut.whenCalibrated();
    await pool.close();
    return { sut, pool, estimator };
  }

  it('measures every (model, device) pair over the batch sweep, seeds the estimator and stores a profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-profiles-'));
    const { sut, pool, estimator } = await start('auto', dir);
    const state = sut.state();
    expect(state).toMatchObject({ mode: 'auto', status: 'calibrated', pairsDone: 2, pairsTotal: 2 });
    expect(state.profileFile).toBe(join(dir, `${state.fingerprint}.json`));
    const profile = JSON.parse(readFileSync(state.profileFile!, 'utf8')) as CalibrationProfile;
    const tiny = profile.pairs.find((p) => p.model === 'mlp_tiny@1')!;
    expect(tiny.points.map((p) => p.batchSize)).toEqual([1, 2, 4, 8]);
    expect(tiny.points.every((p) => p.ms > 0 && p.runs === 3)).toBe(true);
    expect(profile.pairs.find((p) => p.model === 'dtype_echo@1')!.points.map((p) => p.batchSize)).toEqual([1]);
    // 2 to 8 warm-up runs (more while runs still get much faster) + per batch size (1 warm-up
    // above batch 1) 3 measured runs, all real
    const rows = pool.runs.filter((r) => r.modelKey === 'mlp_tiny@1').map((r) => r.rows);
    const warmUps = rows.indexOf(2) - 3;
    expect(warmUps).toBeGreaterThanOrEqual(2);
    expect(warmUps).toBeLessThanOrEqual(8);
    expect(rows).toEqual([...Array(warmUps + 3).fill(1), 2, 2, 2, 2, 4, 4, 4, 4, 8, 8, 8, 8]);
    for (const b of [1, 2, 4, 8]) {
      expect(estimator.estimate('mlp_tiny@1', 'cpu:0', b)).toMatchObject({
        ms: tiny.points.find((p) => p.batchSize === b)!.ms,
        samples: 3,
      });
    }
    expect(profile.estimator).toEqual(JSON.parse(JSON.stringify(estimator.toJSON())));
    expect(profile.host.ortVersion).toBe(new HostFactsAdapter().ortVersion());
  });

  it('reuses the stored profile on a restart of the same host, without running anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-profiles-'));
    const first = await start('auto', dir);
    const second = await start('auto', dir);
    expect(second.sut.state()).toMatchObject({
      status: 'reused',
      fingerprint: first.sut.state().fingerprint,
      calibratedAt: first.sut.state().calibratedAt,
    });
    expect(second.pool.runs).toEqual([]);
    expect(second.estimator.toJSON()).toEqual(JSON.parse(JSON.stringify(first.estimator.toJSON())));
  });

  it('recalibrates when a model changed (another sha256), and when forced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-profiles-'));
    const first = await start('auto', dir);
    const changed = served.map((s, i) => (i === 0 ? { ...s.model, sha256: 'f'.repeat(64) } : s.model));
    const afterChange = await start('auto', dir, changed);
    expect(afterChange.sut.state().status).toBe('calibrated');
    expect(afterChange.sut.state().fingerprint).not.toBe(first.sut.state().fingerprint);
    expect(afterChange.pool.runs.length).toBeGreaterThan(0);

    const forced = await start('force', dir);
    expect(forced.sut.state()).toMatchObject({ status: 'calibrated', fingerprint: first.sut.state().fingerprint });
    expect(forced.pool.runs.length).toBeGreaterThan(0);
    expect(forced.sut.state().calibratedAt! > first.sut.state().calibratedAt!).toBe(true);
  });

  it('does nothing when calibration is skipped', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sy-profiles-')), 'never');
    const { sut, pool, estimator } = await start('skip', dir);
    expect(sut.state()).toMatchObject({ status: 'skipped', pairsDone: 0 });
    expect(pool.runs).toEqual([]);
    expect(estimator.toJSON().curves).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('starts warm from a profile of its fingerprint found elsewhere (a cluster peer): nothing runs, the profile is stored here', async () => {
    const measured = await start('auto', mkdtempSync(join(tmpdir(), 'sy-profiles-')));
    const profile = measured.sut.profile()!;
    const asked: string[] = [];
    const peer: CalibrationProfileSource = {
      find: async (fingerprint) => {
        asked.push(fingerprint);
        return { profile, from: 'node-a' };
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'sy-profiles-'));
    const warm = await start('auto', dir, undefined, [peer]);
    expect(asked).toEqual([profile.fingerprint]);
    expect(warm.sut.state()).toMatchObject({ status: 'reused', source: 'cluster:node-a', calibratedAt: profile.createdAt });
    expect(warm.pool.runs).toEqual([]);
    expect(warm.estimator.toJSON()).toEqual(JSON.parse(JSON.stringify(measured.estimator.toJSON())));
    expect(JSON.parse(readFileSync(join(dir, `${profile.fingerprint}.json`), 'utf8'))).toEqual(JSON.parse(JSON.stringify(profile)));
    // a restart finds it in its own profiles/ first
    expect((await start('auto', dir, undefined, [peer])).sut.state().source).toBe('file');
    expect(asked).toHaveLength(1);
  });

  it('calibrates itself when the sources have nothing or fail', async () => {
    const failing: CalibrationProfileSource = { find: () => Promise.reject(new Error('peer down')) };
    const empty: CalibrationProfileSource = { find: async () => undefined };
    const cold = await start('auto', mkdtempSync(join(tmpdir(), 'sy-profiles-')), undefined, [failing, empty]);
    expect(cold.sut.state().status).toBe('calibrated');
    expect(cold.pool.runs.length).toBeGreaterThan(0);
    expect(cold.sut.profile()?.fingerprint).toBe(cold.sut.state().fingerprint);
  });
});
