import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hostCpuTimes, hostLoadSince, idleHostCores, otherWorkAround } from './host-load';

/** Busy for `ms` of this process's CPU time. */
const spin = (ms: number) => {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
};

describe('hostLoadSince', () => {
  const linux = process.platform === 'linux';

  it("counts this process's own work among the host's busy cores, within the host's cores", () => {
    if (!linux) return expect(hostCpuTimes()).toBeUndefined();
    const before = hostCpuTimes();
    const wall = Date.now();
    spin(300);
    const load = hostLoadSince(before);
    const elapsed = Date.now() - wall;
    // at least the 300 ms this thread ran (less one 10 ms tick each side), spread over the wall time
    expect(load.busyCores!).toBeGreaterThanOrEqual((300 - 20) / elapsed);
    expect(load.busyCores!).toBeLessThanOrEqual(cpus().length + 0.1);
    expect(load.stealCores!).toBeGreaterThanOrEqual(0);
    expect(load.seconds!).toBeGreaterThanOrEqual(0.28);
    expect(load.loadAvg1).toBeGreaterThanOrEqual(0);
  });

  it('gives only the load average without a first reading', () => {
    expect(Object.keys(hostLoadSince(undefined))).toEqual(['loadAvg1']);
  });
});

describe('idleHostCores', () => {
  it('counts work that runs beside the waiting thread (here a worker thread spinning)', async () => {
    if (process.platform !== 'linux') return expect(await idleHostCores(10)).toBeUndefined();
    const worker = new Worker('for (;;) {}', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    const cpu = process.cpuUsage();
    const wall = Date.now();
    const cores = await idleHostCores(300);
    const used = process.cpuUsage(cpu);
    const elapsed = Date.now() - wall;
    await worker.terminate();
    // at least what this process (the spinning worker) used in the window, less a 10 ms tick each side
    expect(cores!).toBeGreaterThanOrEqual(((used.user + used.system) / 1000 - 20) / elapsed);
    expect((used.user + used.system) / 1000).toBeGreaterThan(50); // the worker did run
    expect(cores!).toBeLessThanOrEqual(cpus().length + 0.1);
  });
});

describe('otherWorkAround', () => {
  it('averages the probes before and after a lane, takes either alone, and nothing without them', () => {
    expect(otherWorkAround({ loadAvg1: 1, idleBusyCores: 0.4, idleAfterCores: 1.2 })).toBeCloseTo(0.8, 12);
    expect(otherWorkAround({ loadAvg1: 1, idleBusyCores: 0.4 })).toBe(0.4);
    expect(otherWorkAround({ loadAvg1: 1, idleAfterCores: 1.2 })).toBe(1.2);
    expect(otherWorkAround({ loadAvg1: 1 })).toBeUndefined();
    expect(otherWorkAround(undefined)).toBeUndefined();
  });
});
