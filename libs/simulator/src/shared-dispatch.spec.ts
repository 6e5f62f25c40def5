import { EwmaServiceTimeEstimator } from '@switchyard/scheduler';
import { adaptivePolicy } from '@switchyard/scheduler/testing';
import type { SimDeviceSpec, SimulationConfig } from './interfaces/simulation-config.interface';
import { Simulator } from './simulator';

const device = (id: string, ms: Record<string, number>, extra: Partial<SimDeviceSpec> = {}): SimDeviceSpec => ({
  id,
  kind: 'cpu',
  serviceMs: (model, rows) => (ms[model] === undefined ? undefined : ms[model] * rows),
  ...extra,
});

const run = (config: SimulationConfig) =>
  new Simulator(config).run({ policy: adaptivePolicy, estimator: new EwmaServiceTimeEstimator(), wallClock: () => 0 });

/** What the simulator now shares with the dispatcher: priorities, expiry, queue delay, calibration. */
describe('Simulator with the dispatcher planning code', () => {
  it('serves the better priority level first on a saturated device', () => {
    const sut = run({
      devices: [device('cpu:0', { hi: 5, lo: 5 })],
      classes: [
        { modelKey: 'hi', batchSize: 1, share: 1, priority: 1 },
        { modelKey: 'lo', batchSize: 1, share: 1, priority: 9 },
      ],
      arrival: { kind: 'closed', clients: 16 },
      durationMs: 20_000,
      warmupMs: 2000,
    });
    const [hi, lo] = sut.classes;
    expect(hi.jobs).toBeGreaterThan(lo.jobs);
    expect(hi.latencyMs.mean * 3).toBeLessThan(lo.latencyMs.mean);
  });

  it('drops queued jobs whose deadline comes, as the dispatcher does, and never runs them late', () => {
    const sut = run({
      devices: [device('cpu:0', { m: 10 })],
      classes: [{ modelKey: 'm', batchSize: 1, share: 1, timeoutMs: 35 }],
      arrival: { kind: 'open', ratePerSecond: 200 },
      durationMs: 10_000,
      warmupMs: 1000,
    });
    expect(sut.expired + sut.rejected).toBeGreaterThan(0);
    expect(sut.throughputJobsPerSecond).toBeLessThanOrEqual(100 + 1e-6);
    expect(sut.latencyMs.max).toBeLessThanOrEqual(35 + 10 + 1e-6);
  });

  it('holds a batch that is not full for the max queue delay, then sends what arrived', () => {
    const config: SimulationConfig = {
      devices: [device('cpu:0', { m: 1 })],
      classes: [{ modelKey: 'm', batchSize: 1, share: 1 }],
      arrival: { kind: 'open', ratePerSecond: 500 },
      maxBatchSize: { m: 8 },
      durationMs: 10_000,
      warmupMs: 1000,
    };
    const eager = run(config);
    const held = run({ ...config, maxQueueDelayMs: { m: 5 } });
    const rowsPerRun = (r: typeof eager) => r.rows / r.devices[0].runs;
    expect(rowsPerRun(held)).toBeGreaterThan(rowsPerRun(eager) * 1.5);
    expect(held.latencyMs.p50).toBeGreaterThan(eager.latencyMs.p50);
  });

  it("calibrates with the service's sweep (noisy, warm-up) and still finds the fast device", () => {
    const sut = run({
      devices: [device('cpu:0', { m: 10 }, { noise: 0.2 }), device('gpu:0', { m: 2 }, { noise: 0.2, coldRunFactor: 20 })],
      classes: [{ modelKey: 'm', batchSize: 1, share: 1 }],
      arrival: { kind: 'closed', clients: 1 },
      durationMs: 10_000,
      calibration: { mode: 'sweep', budgetMs: 200 },
    });
    expect(sut.devices[1].share).toBeGreaterThan(0.9);
  });

  it('pays the switch cost only when a slot changes models', () => {
    const config = (switchMs: number): SimulationConfig => ({
      devices: [device('cpu:0', { a: 1, b: 1 }, { switchMs })],
      classes: [
        { modelKey: 'a', batchSize: 1, share: 1 },
        { modelKey: 'b', batchSize: 1, share: 1 },
      ],
      arrival: { kind: 'closed', clients: 1 },
      durationMs: 10_000,
    });
    const free = run(config(0));
    const costly = run(config(1));
    expect(free.throughputJobsPerSecond).toBeCloseTo(1000, -1);
    // half the runs follow a run of the other model (independent 50/50 draws): 1.5 ms on average
    expect(costly.throughputJobsPerSecond).toBeGreaterThan(1000 / 1.6);
    expect(costly.throughputJobsPerSecond).toBeLessThan(1000 / 1.4);
  });
});
