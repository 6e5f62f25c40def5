import type { BigBodyLane } from './big-body.bench';

interface BigBodyRun {
  command: string;
  host: { hostname: string; cpus: number; cpuModel?: string; memGiB: number };
  bodyBytes: number;
  clients: number;
  seconds: number;
  rounds: number;
  /** Each lane's dist folder. */
  dists: Record<string, string>;
  loadAverage: { start: number[]; end: number[] };
  lanes: BigBodyLane[];
}

const f = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

/** The markdown report of a big-body run: one row per lane and round, then the ratios. */
export function renderBigBodyReport(run: BigBodyRun): string {
  const rows = run.lanes.map(
    (l) =>
      `| ${l.lane} | ${l.round} | ${l.answered} | ${l.refused} | ${l.failed} | ${f(l.answeredMBps, 2)} | ${f(l.requestMs.p50, 0)} | ${f(l.requestMs.p99, 0)} | ` +
      `${f(l.liveMs.p50)} | ${f(l.liveMs.p99)} | ${f(l.liveMs.max)} | ${f(l.readyMs.p99)} | ${l.probeTimeouts} | ${f(l.idleLiveMs.p99)} | ${f(l.peakRssMB, 0)} | ${f(l.loadAverage?.[0] ?? NaN, 2)} | ${f(l.serverCpuSeconds ?? NaN, 1)} | ${f(l.cpuMsPerMB ?? NaN, 0)} |`,
  );
  const of = (lane: string) => run.lanes.filter((l) => l.lane === lane);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const range = (xs: number[]) => `${f(Math.min(...xs), 2)} to ${f(Math.max(...xs), 2)}`;
  const rate = (ls: BigBodyLane[]) => ls.map((l) => l.answeredMBps);
  const names = Object.keys(run.dists);
  const after = of('after');
  const others = names.filter((n) => n !== 'after');
  const loads = run.lanes.map((l) => l.loadAverage?.[0] ?? NaN);
  return [
    '# Big bodies: liveness and throughput under heavy clients',
    '',
    `${run.clients} clients each send a ${f(run.bodyBytes / 2 ** 20, 1)} MB JSON body (all seven dtype_echo inputs) in a loop for ${run.seconds} s per lane; ` +
      'a prober on its own thread asks /v2/health/live and /v2/health/ready alternately every 50 ms (10 s timeout). ' +
      `Lanes alternate (${names.join(', ')}), ${run.rounds} rounds each; each lane starts a fresh server process (CPU only, calibration skipped, default limits).`,
    '',
    ...names.map((n) => `- ${n}: \`${run.dists[n]}\``),
    `- host: ${run.host.hostname}, ${run.host.cpus} CPUs (${run.host.cpuModel ?? '?'}), ${run.host.memGiB} GiB, shared with other sessions; ` +
      `1-minute load average ${f(run.loadAverage.start[0], 2)} at the start, ${f(Math.min(...loads), 2)} to ${f(Math.max(...loads), 2)} at the ends of the lanes`,
    `- command: \`${run.command}\``,
    '',
    '| lane | round | answered | refused | failed | answered MB/s | request p50 ms | request p99 ms | live p50 ms | live p99 ms | live max ms | ready p99 ms | probe timeouts | idle live p99 ms | peak RSS MB | load 1 min | server CPU s | CPU ms per MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Answered MB/s: ${names.map((n) => `${n} ${range(rate(of(n)))}`).join(', ')}.`,
    ...others.map(
      (n) =>
        `Mean ratio after/${n}: **${f(mean(rate(after)) / mean(rate(of(n))), 2)}x** (per round: ${after
          .map((a, i) => f(a.answeredMBps / (of(n)[i]?.answeredMBps ?? NaN), 2))
          .join(', ')}).`,
    ),
    `Server CPU per answered MB (all threads; on a shared host the steadier measure of what a body costs): ${names
      .map((n) => `${n} ${range(of(n).map((l) => l.cpuMsPerMB))} ms`)
      .join(', ')}.`,
    ...others.map(
      (n) => `Mean CPU per MB, ${n}/after: **${f(mean(of(n).map((l) => l.cpuMsPerMB)) / mean(after.map((l) => l.cpuMsPerMB)), 2)}x**.`,
    ),
    `Liveness p99 (target < 100 ms): ${names.map((n) => `${n} ${range(of(n).map((l) => l.liveMs.p99))} ms`).join(', ')}.`,
    `Idle liveness p99 (same server, no clients, 5 s just before them: what this shared host adds by itself): ${range(run.lanes.map((l) => l.idleLiveMs.p99))} ms.`,
    `Peak RSS: ${names.map((n) => `${n} ${range(of(n).map((l) => l.peakRssMB))} MB`).join(', ')}.`,
    '',
    'Raw data (every probe latency included): results.json.',
    '',
  ].join('\n');
}
