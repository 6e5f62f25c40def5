import { EwmaServiceTimeEstimator } from '@switchyard/scheduler';
import { adaptivePolicy } from '@switchyard/scheduler/testing';
import { roundRobinPolicy } from '@switchyard/scheduler/testing';
import { idealForSimulation } from './ideal-for-simulation';
import type { SimDeviceSpec, SimulationConfig } from './interfaces/simulation-config.interface';
import { SimulationConfigError } from './simulation-config.error';
import { Simulator } from './simulator';

const linearDevice = (id: string, fixed: number, perRow: number, extra: Partial<SimDeviceSpec> = {}): SimDeviceSpec => ({
  id,
  kind: 'cpu',
  serviceMs: (model, rows) => (model === 'm' ? fixed + perRow * rows : undefined),
  ...extra,
});

const base = (overrides: Partial<SimulationConfig> = {}): SimulationConfig => ({
  devices: [linearDevice('cpu:0', 10, 0)],
  classes: [{ modelKey: 'm', batchSize: 1, share: 1 }],
  arrival: { kind: 'closed', clients: 1 },
  durationMs: 10_000,
  ...overrides,
});

const run = (config: SimulationConfig, policy = adaptivePolicy, estimator = new EwmaServiceTimeEstimator()) =>
  new Simulator(config).run({ policy, estimator, wallClock: () => 0 });

describe(Simulator.name, () => {
  it('one client on one 10 ms device: 100 jobs/s, every latency 10 ms', () => {
    const sut = run(base());
    expect(sut.jobs).toBe(1000);
    expect(sut.throughputJobsPerSecond).toBeCloseTo(100, 6);
    expect(sut.latencyMs).toEqual({ mean: 10, p50: 10, p95: 10, p99: 10, max: 10 });
    expect(sut.devices[0]).toMatchObject({ deviceId: 'cpu:0', jobs: 1000, share: 1, runs: 1000 });
    expect(sut.devices[0].utilisation).toBeCloseTo(1, 6);
  });

  it('closed loop obeys Little: clients = throughput x (latency + think time)', () => {
    const sut = run(
      base({
        devices: [linearDevice('cpu:0', 10, 0, { capacity: 2, noise: 0.3 })],
        arrival: { kind: 'closed', clients: 5, thinkMs: 20 },
        warmupMs: 1000,
        durationMs: 60_000,
      }),
    );
    const littles = (sut.throughputJobsPerSecond / 1000) * (sut.latencyMs.mean + 20);
    expect(littles).toBeCloseTo(5, 1);
  });

  it('a serving thread adds its cost to every latency and caps throughput when it is the bottleneck', () => {
    // one client: 1 ms in + 10 ms device + 0.5 ms out per job
    const one = run(base({ host: { perJobMs: 1, perRunMs: 0.5 } }));
    expect(one.latencyMs.p50).toBeCloseTo(11.5, 6);
    expect(one.throughputJobsPerSecond).toBeCloseTo(1000 / 11.5, 0);
    // 8 clients on an 8-slot 1 ms device: the thread (0.25 + 0.25 ms per job) allows 2000 jobs/s
    const many = run(
      base({
        devices: [linearDevice('cpu:0', 1, 0, { capacity: 8 })],
        arrival: { kind: 'closed', clients: 8 },
        host: { perJobMs: 0.25, perRunMs: 0.25 },
        warmupMs: 1000,
      }),
    );
    expect(many.throughputJobsPerSecond).toBeCloseTo(2000, -1);
    // merging queued jobs shares the per-run cost: more than 2000 jobs/s, at most 1/perJobMs
    const merged = run(
      base({
        devices: [linearDevice('cpu:0', 1, 0)],
        arrival: { kind: 'closed', clients: 8 },
        host: { perJobMs: 0.25, perRunMs: 0.25 },
        maxBatchSize: { m: 8 },
        warmupMs: 1000,
      }),
    );
    expect(merged.throughputJobsPerSecond).toBeGreaterThan(2500);
    expect(merged.throughputJobsPerSecond).toBeLessThanOrEqual(4000 + 1e-6);
  });

  it('runs that share the host cores slow each other down; work on a device that uses none does not', () => {
    // 2 clients on a 2-slot 10 ms CPU device whose runs take a core each, on a 1-core host: 100 jobs/s, 20 ms each
    const shared = run(
      base({
        devices: [linearDevice('cpu:0', 10, 0, { capacity: 2, hostCores: 1 })],
        arrival: { kind: 'closed', clients: 2 },
        host: { perJobMs: 0, perRunMs: 0, cores: 1 },
      }),
    );
    expect(shared.throughputJobsPerSecond).toBeCloseTo(100, 0);
    expect(shared.latencyMs.p50).toBeCloseTo(20, 6);
    expect(shared.devices[0].utilisation).toBeCloseTo(1, 2);
    // the same without hostCores (a real GPU): 200 jobs/s
    const apart = run(
      base({
        devices: [linearDevice('gpu:0', 10, 0, { capacity: 2 })],
        arrival: { kind: 'closed', clients: 2 },
        host: { perJobMs: 0, perRunMs: 0, cores: 1 },
      }),
    );
    expect(apart.throughputJobsPerSecond).toBeCloseTo(200, 0);
  });

  it("other processes' background demand takes its share of the host cores", () => {
    // 2 clients on a 2-slot 10 ms CPU device whose runs take a core each, on 2 cores: 200 jobs/s alone;
    // beside 2 cores of background demand each run gets 2/4 of a core: 100 jobs/s, 20 ms each
    const config = (backgroundCores?: number) =>
      base({
        devices: [linearDevice('cpu:0', 10, 0, { capacity: 2, hostCores: 1 })],
        arrival: { kind: 'closed', clients: 2 },
        host: { perJobMs: 0, perRunMs: 0, cores: 2, ...(backgroundCores !== undefined ? { backgroundCores } : {}) },
      });
    expect(run(config()).throughputJobsPerSecond).toBeCloseTo(200, 0);
    const shared = run(config(2));
    expect(shared.throughputJobsPerSecond).toBeCloseTo(100, 0);
    expect(shared.latencyMs.p50).toBeCloseTo(20, 6);
    expect(() => run(config(-1))).toThrow(SimulationConfigError);
  });

  it('a device that overlaps more runs than it runs at once shares its speed among them', () => {
    // a GPU worker taking 2 tasks on one queue: 2 clients, each run at half speed, 100 jobs/s
    const sut = run(
      base({ devices: [linearDevice('gpu:0', 10, 0, { capacity: 2, parallel: 1 })], arrival: { kind: 'closed', clients: 2 } }),
    );
    expect(sut.throughputJobsPerSecond).toBeCloseTo(100, 0);
    expect(sut.latencyMs.p50).toBeCloseTo(20, 6);
    expect(() => run(base({ devices: [linearDevice('gpu:0', 10, 0, { capacity: 2, parallel: 0 })] }))).toThrow(SimulationConfigError);
  });

  it('refuses a negative serving-thread cost', () => {
    expect(() => run(base({ host: { perJobMs: -1, perRunMs: 0 } }))).toThrow(SimulationConfigError);
  });

  it('open loop M/D/1 matches the Pollaczek-Khinchine mean latency', () => {
    // Poisson at 50/s on a 10 ms server: rho = 0.5, mean wait = rho / (2 mu (1 - rho)) = 5 ms
    const sut = run(base({ arrival: { kind: 'open', ratePerSecond: 50 }, durationMs: 400_000, warmupMs: 1000 }));
    const rho = 50 / 100;
    const reference = 10 + rho / (2 * 0.1 * (1 - rho));
    expect(Math.abs(sut.latencyMs.mean - reference) / reference).toBeLessThan(0.05);
    expect(Math.abs(sut.throughputJobsPerSecond - 50) / 50).toBeLessThan(0.03);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const config = base({
      devices: [linearDevice('a', 2, 1, { noise: 0.2 }), linearDevice('b', 5, 0.2, { noise: 0.2, capacity: 2 })],
      classes: [
        { modelKey: 'm', batchSize: 1, share: 1 },
        { modelKey: 'm', batchSize: 16, share: 1 },
      ],
      arrival: { kind: 'open', ratePerSecond: 120 },
      seed: 9,
    });
    expect(run(config)).toEqual(run(config));
    expect(run({ ...config, seed: 10 })).not.toEqual(run(config));
  });

  it('merges queued jobs of a model into batches up to its max batch', () => {
    const config = base({ devices: [linearDevice('cpu:0', 5, 1)], arrival: { kind: 'closed', clients: 32 }, maxBatchSize: { m: 8 } });
    const batched = run(config);
    const unbatched = run({ ...config, maxBatchSize: {} });
    expect(unbatched.devices[0].runs).toBe(unbatched.jobs);
    expect(batched.devices[0].rows / batched.devices[0].runs).toBeGreaterThan(7);
    // 8 rows take 13 ms instead of 8 x 6 ms: about 3.7x the throughput
    expect(batched.throughputJobsPerSecond / unbatched.throughputJobsPerSecond).toBeGreaterThan(3.3);
  });

  it('refuses jobs up front when no device can meet their deadline', () => {
    const sut = run(
      base({ classes: [{ modelKey: 'm', batchSize: 1, share: 1, timeoutMs: 5 }], calibration: { mode: 'oracle', batchSizes: [1] } }),
    );
    expect(sut.jobs).toBe(0);
    expect(sut.rejected).toBeGreaterThan(1000);
  });

  it('rejects jobs of a model no device can run', () => {
    const sut = run(base({ classes: [{ modelKey: 'other', batchSize: 1, share: 1 }], durationMs: 100 }));
    expect(sut.jobs).toBe(0);
    // the client retries every simulated ms: t = 0, 1, ..., 100
    expect(sut.rejected).toBe(101);
  });

  it('teaches the estimator online as jobs complete', () => {
    const estimator = new EwmaServiceTimeEstimator();
    const report = run(base({ devices: [linearDevice('cpu:0', 10, 0, { noise: 0.1 })] }), adaptivePolicy, estimator);
    const learned = estimator.estimate('m', 'cpu:0', 1);
    expect(learned?.samples).toBe(report.jobs);
    expect(learned?.ms).toBeGreaterThan(8);
    expect(learned?.ms).toBeLessThan(12);
  });

  it('counts decisions and costs device time by weight', () => {
    const config = base({
      devices: [linearDevice('a', 10, 0, { costWeight: 2 }), linearDevice('b', 10, 0, { costWeight: 2 })],
      arrival: { kind: 'closed', clients: 2 },
    });
    const sut = run(config, roundRobinPolicy);
    // one decision per job, plus the two sent at the very end that had no time to run
    expect(sut.decisions).toBe(sut.jobs + 2);
    // every job is 10 ms of one device at weight 2: 0.02 cost units each, 20 per 1000
    expect(sut.costPer1kInferences).toBeCloseTo(20, 6);
    expect(sut.devices.map((d) => d.jobs)).toEqual([1000, 1000]);
  });

  it('computes the LP ideal of its own config', () => {
    const config = base({ devices: [linearDevice('a', 10, 0, { capacity: 4 })] });
    expect(idealForSimulation(config).jobsPerSecond).toBeCloseTo(400, 6);
  });

  it.each([
    [{ devices: [] }, 'devices must not be empty'],
    [{ classes: [{ modelKey: 'm', batchSize: 1, share: 0 }] }, 'classes[0].share must be > 0'],
    [{ arrival: { kind: 'open', ratePerSecond: 0 } }, 'arrival.ratePerSecond must be > 0'],
    [{ arrival: { kind: 'closed', clients: 0 } }, 'arrival.clients must be an integer >= 1'],
    [{ devices: [linearDevice('a', 1, 0, { capacity: 0 })] }, 'devices[a].capacity must be an integer >= 1'],
    [{ warmupMs: 10_000 }, 'warmupMs must be in [0, durationMs)'],
  ] as [Partial<SimulationConfig>, string][])('refuses %j naming the field', (overrides, message) => {
    expect(() => new Simulator(base(overrides))).toThrow(SimulationConfigError);
    expect(() => new Simulator(base(overrides))).toThrow(message);
  });
});
