import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hostCpuTimes, hostLoadSince, idleHostLoad, otherWorkAround, runnableThreads } from './host-load';

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

describe('idleHostLoad', () => {
  it('counts work that runs beside the waiting thread (here a worker thread spinning), in busy cores and runnable threads', async () => {
    if (process.platform !== 'linux') return expect(await idleHostLoad(10)).toEqual({});
    const worker = new Worker('for (;;) {}', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    const cpu = process.cpuUsage();
    const wall = Date.now();
    const probe = await idleHostLoad(300);
    const used = process.cpuUsage(cpu);
    const elapsed = Date.now() - wall;
    await worker.terminate();
    // at least what this process (the spinning worker) used in the window, less a 10 ms tick each side
    expect(probe.busyCores!).toBeGreaterThanOrEqual(((used.user + used.system) / 1000 - 20) / elapsed);
    expect((used.user + used.system) / 1000).toBeGreaterThan(50); // the worker did run
    expect(probe.busyCores!).toBeLessThanOrEqual(cpus().length + 0.1);
    // the spinning worker is runnable at every sample
    expect(probe.runnable!).toBeGreaterThanOrEqual(1);
  });

  it('reads the runnable threads, counting the one that reads', () => {
    if (process.platform !== 'linux') return expect(runnableThreads()).toBeUndefined();
    expect(runnableThreads()!).toBeGreaterThanOrEqual(1);
  });
});

describe('otherWorkAround', () => {
  it('averages the runnable threads of the probes before and after a lane, takes either alone, busy cores without a count', () => {
    expect(otherWorkAround({ loadAvg1: 1, idleBefore: { busyCores: 0.4, runnable: 1 }, idleAfter: { busyCores: 2, runnable: 4 } })).toBe(
      2.5,
    );
    expect(otherWorkAround({ loadAvg1: 1, idleBefore: { busyCores: 0.4, runnable: 1 } })).toBe(1);
    expect(otherWorkAround({ loadAvg1: 1, idleAfter: { busyCores: 1.2 } })).toBe(1.2);
    expect(otherWorkAround({ loadAvg1: 1, idleBefore: {} })).toBeUndefined();
    expect(otherWorkAround(undefined)).toBeUndefined();
  });
});
