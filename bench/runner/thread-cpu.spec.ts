import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { cpuSince, threadCpu, treeCpu, treeCpuSince } from './thread-cpu';

/** Busy for `ms` of CPU time (not wall time: on a loaded host the thread would get less). */
const spin = (ms: number) => {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
};

describe('threadCpu', () => {
  const linux = process.platform === 'linux';

  it("charges work on the main thread to the main thread and a worker's to the others", async () => {
    if (!linux) return expect(threadCpu()).toBeUndefined();
    const before = threadCpu();
    spin(300);
    const main = cpuSince(before)!;
    expect(main.mainMs).toBeGreaterThanOrEqual(200);
    expect(main.othersMs).toBeLessThan(100);
    const worker = new Worker(
      'const s = process.cpuUsage(); for (;;) { const u = process.cpuUsage(s); if ((u.user + u.system) / 1000 >= 400) break; } require("node:worker_threads").parentPort.postMessage(1); setInterval(() => {}, 1000);',
      { eval: true },
    );
    const start = threadCpu();
    await new Promise((resolve) => worker.once('message', resolve));
    const other = cpuSince(start)!;
    await worker.terminate();
    expect(other.othersMs).toBeGreaterThanOrEqual(250);
    expect(other.mainMs).toBeLessThan(150);
  });

  it("reads another process's threads (a server the bench started) by its pid", async () => {
    if (!linux) return expect(threadCpu(process.pid)).toBeUndefined();
    // the child spins 400 ms of CPU per line it is sent, and answers each when done
    const child = spawn(
      process.execPath,
      [
        '-e',
        'process.stdin.on("data", () => { const s = process.cpuUsage(); for (;;) { const u = process.cpuUsage(s); if ((u.user + u.system) / 1000 >= 400) break; } console.log("done"); });',
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const spinChild = () => {
      const done = new Promise((resolve) => child.stdout.once('data', resolve));
      child.stdin.write('go\n');
      return done;
    };
    try {
      await spinChild();
      const before = threadCpu(child.pid);
      const mine = threadCpu();
      await spinChild(); // this process only waits meanwhile
      const spent = cpuSince(before, child.pid)!;
      expect(spent.mainMs).toBeGreaterThanOrEqual(300);
      expect(cpuSince(mine)!.mainMs).toBeLessThan(150);
    } finally {
      child.kill('SIGKILL');
    }
    expect(threadCpu(2 ** 30)).toBeUndefined(); // no such process
  });

  it("counts a child process's CPU (a device pool's process) under the others, not the main thread", async () => {
    if (!linux) return expect(treeCpu()).toBeUndefined();
    const child = spawn(
      process.execPath,
      [
        '-e',
        'process.stdin.on("data", () => { const s = process.cpuUsage(); for (;;) { const u = process.cpuUsage(s); if ((u.user + u.system) / 1000 >= 400) break; } console.log("done"); });',
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const before = treeCpu()!;
      expect(before.children.has(child.pid!)).toBe(true);
      const done = new Promise((resolve) => child.stdout.once('data', resolve));
      child.stdin.write('go\n');
      await done; // this process only waits meanwhile
      const spent = treeCpuSince(before)!;
      expect(spent.othersMs).toBeGreaterThanOrEqual(300);
      expect(spent.mainMs).toBeLessThan(150);
      // a plain thread reading leaves the child out
      expect(cpuSince({ mainMs: before.mainMs, othersMs: before.othersMs })!.othersMs).toBeLessThan(spent.othersMs);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
