import { cpus } from 'node:os';
import { hostCpuTimes, hostLoadSince } from './host-load';

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
