import type { HostFacts } from '../report/bench-report.interface';
import { median, type LatencyStats } from '../stats/percentile';

/** One protocol's block of one round. */
export interface GrpcBenchRound {
  model: string;
  protocol: string;
  round: number;
  requests: number;
  wallMs: number;
  /** Requests per second over the block. */
  throughput: number;
  latency: LatencyStats;
  /** CPU time of the server process (all threads) per call, ms. */
  serverCpuMsPerCall: number;
  /** CPU time of the load generator (this process: encoding, the client library) per call, ms. */
  clientCpuMsPerCall: number;
}

export interface GrpcBenchRun {
  command: string;
  host: HostFacts;
  loadBefore: number[];
  loadAfter: number[];
  concurrency: number;
  results: GrpcBenchRound[];
  date: string;
}

const BASELINE = 'http-binary';

const f = (v: number, d = 2) => v.toFixed(d);
const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');

/**
 * Per model, per protocol: throughput (median of the rounds, min to max), latency percentiles of
 * all its calls, and throughput against HTTP binary as the median of the per-round ratios (each
 * ratio from blocks of the same round, so a change in host load hits both sides).
 */
export function renderGrpcReport(run: GrpcBenchRun): string {
  const models = [...new Set(run.results.map((r) => r.model))];
  const protocols = [...new Set(run.results.map((r) => r.protocol))];
  const lines = [
    '# gRPC against HTTP: throughput and latency on the same server, model and input',
    '',
    `Command: \`${run.command}\` on ${run.host.hostname} (${run.host.cpuModel}, ${run.host.cores} cores, ${run.host.memoryGiB} GiB, Node ${run.host.node}, onnxruntime ${run.host.onnxruntime}), ${run.date}.`,
    `Host load average (1/5/15 min) before: ${load(run.loadBefore)}; after: ${load(run.loadAfter)}. The host is shared: absolute numbers move with its load, the ratios (blocks of one round side by side) much less.`,
    `Closed loop, ${run.concurrency} calls in flight; the server in its own process, one CPU worker, GPU disabled. Raw data: rounds.json (per block), latencies.csv (per call).`,
    '',
  ];
  for (const model of models) {
    const rows = run.results.filter((r) => r.model === model);
    const rounds = [...new Set(rows.map((r) => r.round))];
    lines.push(`## ${model}, batch 1`, '');
    lines.push(
      `| protocol | req/s median (min-max over ${rounds.length} rounds) | req/s vs ${BASELINE} (median of per-round ratios, min-max) | server CPU ms/call (min-max) | server CPU vs ${BASELINE} | client CPU ms/call | p50 ms | p95 ms | p99 ms | calls |`,
    );
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const protocol of protocols) {
      const mine = rows.filter((r) => r.protocol === protocol);
      const tp = mine.map((r) => r.throughput);
      const ratio = (key: 'throughput' | 'serverCpuMsPerCall') =>
        rounds.map((round) => {
          const base = rows.find((r) => r.round === round && r.protocol === BASELINE)!;
          return mine.find((r) => r.round === round)![key] / base[key];
        });
      const ratios = ratio('throughput');
      const cpuRatios = ratio('serverCpuMsPerCall');
      const cpu = mine.map((r) => r.serverCpuMsPerCall);
      const all = mine.flatMap((r) => [r.latency]);
      // pooled percentiles are not derivable from per-block ones: report the median block's
      const pick = (k: 'p50' | 'p95' | 'p99') => median(all.map((l) => l[k]));
      lines.push(
        `| ${protocol} | ${f(median(tp), 0)} (${f(Math.min(...tp), 0)}-${f(Math.max(...tp), 0)}) | ${f(median(ratios))}x (${f(Math.min(...ratios))}-${f(Math.max(...ratios))}) | ${f(median(cpu), 3)} (${f(Math.min(...cpu), 3)}-${f(Math.max(...cpu), 3)}) | ${f(median(cpuRatios))}x (${f(Math.min(...cpuRatios))}-${f(Math.max(...cpuRatios))}) | ${f(median(mine.map((r) => r.clientCpuMsPerCall)), 3)} | ${f(pick('p50'))} | ${f(pick('p95'))} | ${f(pick('p99'))} | ${mine.reduce((n, r) => n + r.requests, 0)} |`,
      );
    }
    lines.push(
      '',
      "Latency columns: the median over the rounds of each block's percentile. Server CPU: the server process (all its threads, the CPU worker included) per call; its ratio is the median of the per-round ratios (min-max).",
      '',
    );
  }
  return lines.join('\n');
}
