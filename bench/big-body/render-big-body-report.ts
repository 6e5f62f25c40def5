import type { BigBodyLane } from './big-body.bench';

interface BigBodyRun {
  command: string;
  host: { hostname: string; cpus: number; cpuModel?: string; memGiB: number };
  bodyBytes: number;
  clients: number;
  seconds: number;
  rounds: number;
  beforeDist: string;
  loadAverage?: { start: number[]; end: number[] };
  lanes: BigBodyLane[];
}

const f = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

/** The markdown report of a big-body run: one row per lane and round, then the ratios. */
export function renderBigBodyReport(run: BigBodyRun): string {
  const rows = run.lanes.map(
    (l) =>
      `| ${l.lane} | ${l.round} | ${l.answered} | ${l.refused} | ${l.failed} | ${f(l.answeredMBps, 2)} | ${f(l.requestMs.p50, 0)} | ${f(l.requestMs.p99, 0)} | ` +
      `${f(l.liveMs.p50)} | ${f(l.liveMs.p99)} | ${f(l.liveMs.max)} | ${f(l.readyMs.p99)} | ${l.probeTimeouts} | ${f(l.idleLiveMs.p99)} | ${f(l.peakRssMB, 0)} | ` +
      `${f(l.loadAverage?.[0] ?? NaN, 2)} | ${f(l.serverCpuSeconds ?? NaN, 1)} | ${f(l.cpuMsPerMB ?? NaN, 1)} |`,
  );
  const of = (lane: string) => run.lanes.filter((l) => l.lane === lane);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const range = (xs: number[]) => `${f(Math.min(...xs), 2)} to ${f(Math.max(...xs), 2)}`;
  const before = of('before');
  const after = of('after');
  const rate = (ls: BigBodyLane[]) => ls.map((l) => l.answeredMBps);
  const ratio = mean(rate(after)) / mean(rate(before));
  const cpu = (ls: BigBodyLane[]) => ls.map((l) => l.cpuMsPerMB);
  const loads = run.lanes.map((l) => l.loadAverage?.[0] ?? NaN);
  return [
    '# Big bodies: liveness and throughput under heavy clients',
    '',
    `${run.clients} clients each send a ${f(run.bodyBytes / 2 ** 20, 1)} MB JSON body (all seven dtype_echo inputs) in a loop for ${run.seconds} s per lane; ` +
      'a prober on its own thread asks /v2/health/live and /v2/health/ready alternately every 50 ms (10 s timeout). ' +
      `Lanes alternate, ${run.rounds} rounds each; each lane starts a fresh server process (CPU only, calibration skipped, default limits).`,
    '',
    `- before: \`${run.beforeDist}\` (main at the start of the work, c52e805)`,
    '- after: this branch',
    `- host: ${run.host.hostname}, ${run.host.cpus} CPUs (${run.host.cpuModel ?? '?'}), ${run.host.memGiB} GiB, shared with other sessions` +
      (run.loadAverage
        ? `; 1-minute load average ${f(run.loadAverage.start[0], 2)} at the start, ${f(Math.min(...loads), 2)} to ${f(Math.max(...loads), 2)} at the ends of the lanes`
        : ''),
    `- command: \`${run.command}\``,
    '',
    '| lane | round | answered | refused | failed | answered MB/s | request p50 ms | request p99 ms | live p50 ms | live p99 ms | live max ms | ready p99 ms | probe timeouts | idle live p99 ms | peak RSS MB | load 1 min | server CPU s | CPU ms per answered MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Answered MB/s: before ${range(rate(before))}, after ${range(rate(after))}; mean ratio after/before **${f(ratio, 2)}x** (target >= 3x).`,
    `Server CPU per answered MB (all threads; on a shared host the steadier measure of what a body costs): before ${range(cpu(before))} ms, ` +
      `after ${range(cpu(after))} ms; mean before/after **${f(mean(cpu(before)) / mean(cpu(after)), 2)}x**.`,
    `Liveness p99: before ${range(before.map((l) => l.liveMs.p99))} ms, after ${range(after.map((l) => l.liveMs.p99))} ms (target < 100 ms).`,
    `Idle liveness p99 (same server, no clients, 5 s just before them: what this shared host adds by itself): ${range(run.lanes.map((l) => l.idleLiveMs.p99))} ms.`,
    `Peak RSS: before ${range(before.map((l) => l.peakRssMB))} MB, after ${range(after.map((l) => l.peakRssMB))} MB.`,
    '',
    'Raw data (every probe latency included): results.json.',
    '',
  ].join('\n');
}
