/**
 * Heavy clients (issue 10 item 6): `--clients` clients each send a `--mb` MB JSON body to
 * dtype_echo in a loop for `--seconds`, while a prober on its own thread asks /v2/health/live and
 * /v2/health/ready every 50 ms. Per lane: probe latency (p50/p99/max), answered requests and MB/s,
 * peak RSS of the server process. Lanes alternate (before, after, before, after...) so that both
 * see the same machine load; "before" is another build's dist/ (e.g. main at an older commit).
 *
 *   node dist/bench/big-body/big-body.bench.js --before-dist /tmp/old/dist [--rounds 2]
 *     [--seconds 30] [--clients 8] [--mb 10] [--out bench/results/big-body/<name>]
 *     [--before-unset GRPC_PORT,DATA_DIR]   (server options the older build does not know)
 *     [--after-only]   (no before lane: for quick iteration on the server's CPU per MB)
 *     [--node-args "--flag ..."]   (node options for every lane's server, e.g. --cpu-prof or V8 flags)
 *
 * Besides MB/s (which on a shared host mostly measures the CPU share the server got), each lane
 * reports the server's own CPU time (all threads, /proc) per answered MB.
 */
import { readFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { bigEchoBody } from '../../libs/inference/src/testing/big-echo-body';
import { modelRepository, repoRoot } from '../../test/support/repo-paths';
import { latencyStats, type LatencyStats } from '../stats/percentile';
import { ServerProcess } from '../targets/server-process';
import { renderBigBodyReport } from './render-big-body-report';
import { arg } from '../cli/flag';

export interface BigBodyLane {
  lane: string;
  round: number;
  seconds: number;
  answered: number;
  refused: number;
  failed: number;
  answeredMBps: number;
  requestMs: LatencyStats;
  liveMs: LatencyStats;
  readyMs: LatencyStats;
  /** Liveness of the same server with no clients, probed just before them: what the host itself adds. */
  idleLiveMs: LatencyStats;
  /** Probes that got no answer within 10 s. */
  probeTimeouts: number;
  peakRssMB: number;
  /** Raw probe latencies (ms), in order. */
  liveRaw: number[];
  /** The host's 1/5/15-minute load average at the end of the lane (other sessions share it). */
  loadAverage: number[];
  /** CPU seconds the server process used (all its threads) while the clients ran. */
  serverCpuSeconds: number;
  /**
   * Server CPU milliseconds per answered MB, over every request sent in the window (those that
   * finish after it included, as their CPU is counted): what a body costs, however much CPU the
   * shared host left the server.
   */
  cpuMsPerMB: number;
}

/** The prober: its own thread and event loop, so the clients' work does not delay its timing. */
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const samples = { live: [], ready: [], timeouts: 0 };
let stop = false;
parentPort.on('message', () => { stop = true; });
(async () => {
  for (let i = 0; !stop; i++) {
    const which = i % 2 === 0 ? 'live' : 'ready';
    const t0 = performance.now();
    try {
      const res = await fetch(workerData.url + '/v2/health/' + which, { signal: AbortSignal.timeout(10000) });
      await res.arrayBuffer();
      samples[which].push(performance.now() - t0);
    } catch { samples.timeouts++; }
    await new Promise((r) => setTimeout(r, 50));
  }
  parentPort.postMessage(samples);
})();
`;

async function runLane(
  lane: string,
  round: number,
  dist: string,
  body: Buffer,
  seconds: number,
  clients: number,
  unset: readonly string[],
  nodeArgs: readonly string[],
): Promise<BigBodyLane> {
  const server = await ServerProcess.start(
    dist,
    {
      ...Object.fromEntries(unset.map((key) => [key, null])),
      MODELS: 'dtype_echo',
      MODEL_REPOSITORY: modelRepository(),
      PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-bigbody-')),
      CALIBRATION: 'skip',
      DISABLED_DEVICES: 'gpu:0',
    },
    180_000,
    nodeArgs,
  );
  try {
    await waitReady(server.url);
    const idle = await probe(server.url, IDLE_SECONDS);
    let peakRss = 0;
    const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssMB(server.pid))), 200);
    const probes = probe(server.url);
    const cpuAtStart = cpuSeconds(server.pid);
    const started = performance.now();
    const end = started + seconds * 1000;
    const latencies: number[] = [];
    let refused = 0;
    let failed = 0;
    let answeredBytes = 0;
    let completedBytes = 0; // with the requests that finish after the window (their CPU is counted too)
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          try {
            const res = await fetch(`${server.url}/v2/models/dtype_echo/infer`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
              signal: AbortSignal.timeout(120_000),
            });
            const answer = await res.arrayBuffer();
            if (res.status === 200 && answer.byteLength > 0) completedBytes += body.length;
            if (performance.now() > end) break; // finished after the window: not counted in the rate
            if (res.status === 200 && answer.byteLength > 0) {
              latencies.push(performance.now() - t0);
              answeredBytes += body.length;
            } else if (res.status === 429 || res.status === 503) refused++;
            else failed++;
          } catch {
            failed++;
          }
        }
      }),
    );
    const serverCpuSeconds = cpuSeconds(server.pid) - cpuAtStart;
    const probed = await probes.stop();
    clearInterval(rssTimer);
    peakRss = Math.max(peakRss, rssMB(server.pid));
    return {
      lane,
      round,
      seconds,
      answered: latencies.length,
      refused,
      failed,
      answeredMBps: answeredBytes / 2 ** 20 / seconds,
      requestMs: latencyStats(latencies),
      liveMs: latencyStats(probed.live),
      readyMs: latencyStats(probed.ready),
      idleLiveMs: latencyStats(idle.live),
      probeTimeouts: probed.timeouts,
      peakRssMB: peakRss,
      liveRaw: probed.live.map((v) => Math.round(v * 10) / 10),
      loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
      serverCpuSeconds,
      cpuMsPerMB: (serverCpuSeconds * 1000) / (completedBytes / 2 ** 20),
    };
  } finally {
    await server.stop();
  }
}

interface ProbeSamples {
  live: number[];
  ready: number[];
  timeouts: number;
}

const IDLE_SECONDS = 5;

/** Starts the prober thread; `stop()` ends it and gives its samples. */
function probe(url: string): { stop(): Promise<ProbeSamples> };
/** Probes for `seconds` and gives the samples. */
function probe(url: string, seconds: number): Promise<ProbeSamples>;
function probe(url: string, seconds?: number): { stop(): Promise<ProbeSamples> } | Promise<ProbeSamples> {
  const prober = new Worker(PROBER, { eval: true, workerData: { url } });
  const samples = new Promise<ProbeSamples>((done) => prober.once('message', done));
  const stop = async () => {
    prober.postMessage('stop');
    const result = await samples;
    await prober.terminate();
    return result;
  };
  if (seconds === undefined) return { stop };
  return new Promise((resolve) => setTimeout(() => resolve(stop()), seconds * 1000));
}

async function waitReady(url: string): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if ((await fetch(`${url}/v2/health/ready`).catch(() => undefined))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready`);
}

/** User + system CPU seconds of a process so far, all threads (/proc/<pid>/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime
  } catch {
    return NaN;
  }
}

function rssMB(pid: number | undefined): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const afterOnly = process.argv.includes('--after-only');
  const beforeDist = arg('--before-dist', '');
  if (!beforeDist && !afterOnly) throw new Error('--before-dist <dist folder of the build to compare with> is required');
  // options an older "before" build does not know (it refuses to start with them), e.g. GRPC_PORT,DATA_DIR
  const beforeUnset = arg('--before-unset', '').split(',').filter(Boolean);
  const rounds = Number(arg('--rounds', '2'));
  const seconds = Number(arg('--seconds', '30'));
  const clients = Number(arg('--clients', '8'));
  const mb = Number(arg('--mb', '10'));
  const nodeArgs = arg('--node-args', '').split(' ').filter(Boolean);
  const out = resolve(arg('--out', join(repoRoot(), 'bench', 'results', 'big-body', `${new Date().toISOString().slice(0, 10)}-vm`)));
  const { body } = bigEchoBody(mb * 2 ** 20);
  const afterDist = join(repoRoot(), 'dist');
  const loadAtStart = loadavg();
  const lanes: BigBodyLane[] = [];
  const named = [...(afterOnly ? [] : [['before', resolve(beforeDist)] as const]), ['after', afterDist] as const];
  for (let round = 1; round <= rounds; round++) {
    for (const [lane, dist] of named) {
      const result = await runLane(lane, round, dist, body, seconds, clients, lane === 'before' ? beforeUnset : [], nodeArgs);
      lanes.push(result);
      console.log(
        `${lane} #${round}: ${result.answered} answered (${result.answeredMBps.toFixed(2)} MB/s), live p99 ${result.liveMs.p99.toFixed(1)} ms, ` +
          `max ${result.liveMs.max.toFixed(1)} ms, server CPU ${result.cpuMsPerMB.toFixed(1)} ms/MB, peak RSS ${result.peakRssMB.toFixed(0)} MB, load ${result.loadAverage.join(' ')}`,
      );
    }
  }
  const run = {
    command: `node dist/bench/big-body/big-body.bench.js ${process.argv.slice(2).join(' ')}`,
    host: { hostname: hostname(), cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30) },
    bodyBytes: body.length,
    clients,
    seconds,
    rounds,
    beforeDist,
    loadAverage: { start: loadAtStart, end: loadavg() },
    lanes,
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'results.json'), JSON.stringify(run, null, 1));
  writeFileSync(join(out, 'report.md'), renderBigBodyReport(run));
  console.log(`report: ${join(out, 'report.md')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
