import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/repo-paths';
import { loadScenarioFile } from './load-scenario-file';
import { parseScenario } from './parse-scenario';
import { ScenarioValidationError } from './scenario-validation.error';
import { workloadClasses } from './workload-classes';

const valid = () => ({
  duration_s: 10,
  warmup_s: 2,
  policies: ['adaptive'],
  workload: [
    { model: 'mlp_tiny', share: 3, batch: { 1: 0.5, 4: 0.5 } },
    { model: 'cnn_small', share: 1, batch: 8 },
  ],
  arrival: { mode: 'open', rate_per_s: 100 },
  sim: { profile: 'host', scale: { devices: [1, 4], loads: [0.5, 1] } },
});

function errorOf(doc: unknown): ScenarioValidationError {
  try {
    parseScenario(doc, 'x');
  } catch (err) {
    if (err instanceof ScenarioValidationError) return err;
    throw err;
  }
  throw new Error('no validation error');
}

describe(parseScenario.name, () => {
  it('reads a valid scenario with defaults filled in', () => {
    const sut = parseScenario(valid(), 'from-file');
    expect(sut).toMatchObject({
      name: 'from-file',
      durationS: 10,
      warmupS: 2,
      arrival: { mode: 'open', ratePerSecond: 100 },
      baselines: [],
      seed: 1,
      rounds: 1,
    });
    expect(sut.sim).toMatchObject({
      profile: 'host',
      durationS: 60,
      noise: 0.05,
      batching: true,
      scale: { devices: [1, 4], loads: [0.5, 1] },
    });
    expect(workloadClasses(sut.workload)).toEqual([
      { model: 'mlp_tiny', batchSize: 1, share: 0.375 },
      { model: 'mlp_tiny', batchSize: 4, share: 0.375 },
      { model: 'cnn_small', batchSize: 8, share: 0.25 },
    ]);
  });

  it.each([
    ['duration_s', (d: any) => delete d.duration_s],
    ['warmup_s', (d: any) => (d.warmup_s = 10)],
    ['durations', (d: any) => (d.durations = 5)],
    ['rounds', (d: any) => (d.rounds = 0)],
    ['baselines[1]', (d: any) => (d.baselines = ['direct', 'best'])],
    ['workload', (d: any) => (d.workload = [])],
    ['workload[1].share', (d: any) => (d.workload[1].share = -1)],
    ['workload[0].model', (d: any) => (d.workload[0].model = '')],
    ['workload[0].batch', (d: any) => (d.workload[0].batch = { 0: 1 })],
    ['workload[1].batch', (d: any) => (d.workload[1].batch = 'big')],
    ['workload[1].timeout_ms', (d: any) => (d.workload[1].timeout_ms = 0)],
    ['arrival.mode', (d: any) => (d.arrival.mode = 'burst')],
    ['arrival.rate_per_s', (d: any) => delete d.arrival.rate_per_s],
    ['arrival.clients', (d: any) => (d.arrival = { mode: 'closed', clients: 1.5 })],
    ['arrival.rate_per_sec', (d: any) => (d.arrival.rate_per_sec = 5)],
    ['sim.noise', (d: any) => (d.sim.noise = -0.1)],
    ['sim.scale.devices', (d: any) => (d.sim.scale.devices = [])],
    ['sim.capacity.gpu', (d: any) => (d.sim.capacity = { gpu: 0 })],
  ])('names the bad field %s', (field, spoil) => {
    const doc = valid();
    spoil(doc);
    const sut = errorOf(doc);
    expect(sut.field).toBe(field);
    expect(sut.message).toContain(`"${field}"`);
  });

  it('validates every committed scenario', () => {
    const dir = join(repoRoot(), 'bench', 'scenarios');
    const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(loadScenarioFile(join(dir, f)).name).toBeTruthy();
  });

  it('says which file is missing or not valid YAML', () => {
    expect(() => loadScenarioFile(join(repoRoot(), 'no-such-scenario.yaml'))).toThrow(/no-such-scenario\.yaml: .*cannot be read/);
    const bad = join(mkdtempSync(join(tmpdir(), 'scenario-')), 'bad.yaml');
    writeFileSync(bad, 'duration_s: [1, 2\n');
    expect(() => loadScenarioFile(bad)).toThrow(/bad\.yaml: scenario field "\(file\)" is not valid YAML/);
  });
});
