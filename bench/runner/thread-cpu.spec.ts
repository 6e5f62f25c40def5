import { Worker } from 'node:worker_threads';
import { cpuSince, threadCpu } from './thread-cpu';

/** Burns `ms` of CPU time (not wall time: on a loaded host a thread gets only part of a core). */
const spinCpu = (ms: number) => {
  const start = process.cpuUsage();
  const used = () => {
    const d = process.cpuUsage(start);
    return (d.user + d.system) / 1000;
  };
  while (used() < ms);
};

describe('threadCpu', () => {
  const linux = process.platform === 'linux';

  it('charges work on the main thread to the main thread and a worker\'s to the others', async () => {
    if (!linux) return expect(threadCpu()).toBeUndefined();
    const before = threadCpu();
    spinCpu(300);
    const main = cpuSince(before)!;
    expect(main.mainMs).toBeGreaterThanOrEqual(250);
    expect(main.othersMs).toBeLessThan(100);
    const worker = new Worker(
      // the worker burns 400 ms of CPU (process-wide: the main thread only waits meanwhile)
      'const s = process.cpuUsage(); const used = () => { const d = process.cpuUsage(s); return (d.user + d.system) / 1000; }; while (used() < 400); require("node:worker_threads").parentPort.postMessage(1); setInterval(() => {}, 1000);', { eval: true });
    const start = threadCpu();
    await new Promise((resolve) => worker.once('message', resolve));
    const other = cpuSince(start)!;
    await worker.terminate();
    expect(other.othersMs).toBeGreaterThanOrEqual(250);
    expect(other.mainMs).toBeLessThan(150);
  });
});
