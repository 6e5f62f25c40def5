import type { RequestRecord } from '../load/request-record.interface';
import type { BenchDevice, LaneKind, LaneResult } from './lane-result.interface';
import { latencyStats } from './percentile';

export interface LaneIdentity {
  lane: string;
  kind: LaneKind;
  subject: string;
}

/** A job's share of the session run that served it: its rows over the run's (merged) rows. */
export function runShare(r: Pick<RequestRecord, 'batchSize' | 'executedBatchSize'>): number {
  return r.batchSize / (r.executedBatchSize && r.executedBatchSize > 0 ? r.executedBatchSize : r.batchSize);
}

/**
 * Turns a lane's raw records into its result (records of `rounds` runs of the lane, each with
 * times from its own start, pool into one window of `rounds` x its length). Window = [warmupMs, durationMs): throughput counts
 * answers that came back in it; latency counts requests intended in it (from the intended send
 * time; unfinished ones with their lower bound). Cost: each job is charged its share
 * (batch / executed batch) of its session run, busy time is divided by the device's slots and
 * weighted by its cost.
 */
export function summariseLane(
  id: LaneIdentity,
  records: readonly RequestRecord[],
  window: { warmupMs: number; durationMs: number },
  devices: readonly BenchDevice[],
  rounds = 1,
): LaneResult {
  const { warmupMs, durationMs } = window;
  const windowS = (rounds * (durationMs - warmupMs)) / 1000;
  const inWindow = (t: number) => t >= warmupMs && t < durationMs;
  const sent = records.filter((r) => inWindow(r.intendedMs));
  const done = records.filter((r) => r.ok && inWindow(r.doneMs));
  const byId = new Map(devices.map((d) => [d.id, d]));
  const jobsByDevice: Record<string, number> = {};
  let rows = 0;
  let runs = 0;
  let cost = 0;
  for (const r of done) {
    rows += r.batchSize;
    const deviceId = r.deviceId ?? 'unknown';
    jobsByDevice[deviceId] = (jobsByDevice[deviceId] ?? 0) + 1;
    const share = runShare(r);
    runs += share;
    const device = byId.get(deviceId);
    if (device && r.computeMs !== undefined) cost += (device.costWeight * r.computeMs * share) / device.slots / 1000;
  }
  const errors: Record<string, number> = {};
  for (const r of sent) if (!r.ok && !r.unfinished) errors[r.error ?? 'error'] = (errors[r.error ?? 'error'] ?? 0) + 1;
  return {
    ...id,
    source: 'real',
    windowS,
    requests: sent.length,
    completed: done.length,
    errors: sent.filter((r) => !r.ok && !r.unfinished).length,
    unfinished: sent.filter((r) => r.unfinished).length,
    throughputJobsPerS: done.length / windowS,
    throughputRowsPerS: rows / windowS,
    ...(rounds > 1 ? { jobsPerSByRound: byRound(done, rounds, windowS / rounds) } : {}),
    latencyMs: latencyStats(sent.filter((r) => r.ok || r.unfinished).map((r) => r.latencyMs)),
    costPer1k: rows > 0 ? (cost * 1000) / rows : 0,
    deviceShare: Object.fromEntries(Object.entries(jobsByDevice).map(([d, n]) => [d, n / done.length])),
    rowsPerRun: runs > 0 ? rows / runs : 0,
    ...(Object.keys(errors).length ? { topErrors: topErrors(errors) } : {}),
  };
}

function byRound(done: readonly RequestRecord[], rounds: number, windowS: number): number[] {
  const counts = new Array<number>(rounds).fill(0);
  for (const r of done) if ((r.round ?? 0) < rounds) counts[r.round ?? 0]++;
  return counts.map((n) => n / windowS);
}

function topErrors(errors: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(errors)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([message, n]) => [message.slice(0, 160), n]),
  );
}
