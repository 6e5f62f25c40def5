import { performance } from 'node:perf_hooks';
import type { HttpClient } from '../targets/http-client';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until true; returns the time (performance.now()) it first was, or throws after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 25): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
  return performance.now();
}

export async function gpuHealth(client: HttpClient): Promise<string | undefined> {
  const { devices } = await client.json<{ devices: Array<{ id: string; health?: { state: string } }> }>('/v1/devices');
  return devices.find((d) => d.id === 'gpu:0')?.health?.state;
}

/** The pid of the process hosting gpu:0's pool (process isolation, the default for GPUs). */
export async function gpuPid(client: HttpClient): Promise<number> {
  const status = await client.json<{ devices: Array<{ deviceId: string; pool: { pid?: number } }> }>('/v1/scheduler');
  const pid = status.devices.find((d) => d.deviceId === 'gpu:0')?.pool.pid;
  if (pid === undefined) throw new Error('gpu:0 has no pool process: is WebGPU available (scripts/install-lavapipe.sh)?');
  return pid;
}

/** The times of one GPU hang, all from performance.now(). */
export interface GpuHang {
  frozenAt: number;
  quarantinedAt: number;
  hangEnd: number;
  readmittedAt: number;
}

/**
 * What a hung driver looks like: freezes the pool process `pid` (SIGSTOP), waits for the
 * server to quarantine gpu:0, holds the freeze `hangS` seconds in all, lets the process go
 * (if the server has not replaced it) and waits for gpu:0 to be re-admitted.
 */
export async function hangGpu(client: HttpClient, pid: number, hangS: number): Promise<GpuHang> {
  const frozenAt = performance.now();
  process.kill(pid, 'SIGSTOP');
  const quarantinedAt = await waitUntil('quarantine', async () => (await gpuHealth(client)) === 'quarantined', 60_000);
  await sleep(Math.max(0, frozenAt + hangS * 1000 - performance.now()));
  const hangEnd = performance.now();
  try {
    process.kill(pid, 'SIGCONT'); // if Switchyard has not replaced it already
  } catch {
    /* recycled */
  }
  const readmittedAt = await waitUntil('re-admission', async () => (await gpuHealth(client)) === 'healthy', 120_000);
  return { frozenAt, quarantinedAt, hangEnd, readmittedAt };
}
