/**
 * A node that joins a cluster with the same hardware as a known node (shared learning, libs/cluster):
 * how much sooner is it at full speed than a node that starts cold? Side by side, per round:
 *   cold  a fresh node (empty profiles/, no peers): start-up calibration sweeps every (model, device)
 *   warm  a fresh node (empty profiles/) with SWITCHYARD_PEERS = a seed node started once before
 *         the rounds: it takes the seed's calibration profile and skips the sweep
 * Both get the same closed-loop load from the moment /v2/health/ready answers 200, for `--load-s`.
 * Measured: process start -> listening, -> ready, -> estimator seeded (calibration calibrated or
 * reused); answers/s over the first 10 s and the whole window, mean / p50 / p99 latency, share of
 * requests placed on gpu:0 (on this host a software GPU, 30-300x slower than the CPU: placing
 * there is the cost of not knowing).
 *
 *   node dist/bench/cluster-warm-start/cluster-warm-start.bench.js [--rounds 3] [--clients 4] [--load-s 30]
 */
import { mkdtempSync } from 'node:fs';
import { cpus, hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../../test/support/repo-paths';
import { writeMarkdownReport } from '../report/write-markdown-report';
import { latencyStats } from '../stats/percentile';
import { HttpClient } from '../targets/http-client';
import { ServerProcess } from '../targets/server-process';
import { numberArg } from '../cli/flag';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const APP = { MODELS: 'mlp_tiny,mlp_small', CALIBRATION: 'auto', CLUSTER_SYNC_MS: 1000 };
const BODY = Buffer.from(
  JSON.stringify({
    inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 1024], data: Array.from({ length: 1024 }, (_, i) => (i % 97) / 97) }],
  }),
);

interface Answer {
  status: number;
  device?: string;
  sentAt: number;
  answeredAt: number;
}

interface LaneRun {
  lane: 'cold' | 'warm';
  round: number;
  listenS: number;
  readyS: number;
  seededS: number;
  calibration: { status: string; source?: string; elapsedMs?: number };
  answers: number;
  errors: number;
  okPerSFirst10: number;
  okPerS: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  gpuShare: number;
  loadAverage: [number, number];
}

interface ClusterCalibration {
  calibration: { status: string; source?: string; elapsedMs?: number };
}

function node(id: string, peers?: string): Promise<ServerProcess> {
  const options: Record<string, string | number> = { ...APP, NODE_ID: id, PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-warm-profiles-')) };
  if (peers) options.PEERS = peers;
  return ServerProcess.start(join(repoRoot(), 'dist'), options);
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs: number): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

async function seeded(client: HttpClient): Promise<ClusterCalibration | undefined> {
  const v = await client.json<ClusterCalibration>('/v1/cluster');
  return v.calibration.status === 'calibrated' || v.calibration.status === 'reused' ? v : undefined;
}

async function runLane(lane: 'cold' | 'warm', round: number, seedUrl: string, clients: number, loadS: number): Promise<LaneRun> {
  const load1 = loadavg()[0];
  const t0 = performance.now();
  const server = await node(`${lane}-${round}`, lane === 'warm' ? seedUrl : undefined);
  const listenAt = performance.now();
  const client = new HttpClient(server.url, clients + 4);
  try {
    const readyAt = await until(
      'ready',
      async () => ((await client.send('GET', '/v2/health/ready')).status === 200 ? performance.now() : undefined),
      180_000,
      25,
    );
    const answers: Answer[] = [];
    let running = true;
    const loops = Array.from({ length: clients }, async () => {
      while (running) {
        const sentAt = performance.now();
        const res = await client.send('POST', '/v2/models/mlp_small/infer', BODY, { 'content-type': 'application/json' });
        const answer: Answer = { status: res.status, sentAt, answeredAt: performance.now() };
        if (res.status === 200) answer.device = (JSON.parse(res.body.toString()) as { parameters: { device: string } }).parameters.device;
        answers.push(answer);
      }
    });
    const seed = until(
      'estimator seeded',
      async () => {
        const v = await seeded(client);
        return v ? { at: performance.now(), view: v } : undefined;
      },
      loadS * 1000 + 120_000,
      100,
    );
    await sleep(loadS * 1000);
    running = false;
    await Promise.all(loops);
    const done = await seed;
    const end = readyAt + loadS * 1000;
    const ok = answers.filter((a) => a.status === 200 && a.answeredAt <= end);
    const firstS = Math.min(10, loadS);
    const first10 = ok.filter((a) => a.answeredAt <= readyAt + firstS * 1000).length;
    const latency = latencyStats(ok.map((a) => a.answeredAt - a.sentAt));
    return {
      lane,
      round,
      listenS: (listenAt - t0) / 1000,
      readyS: (readyAt - t0) / 1000,
      seededS: (done.at - t0) / 1000,
      calibration: done.view.calibration,
      answers: answers.length,
      errors: answers.filter((a) => a.status !== 200).length,
      okPerSFirst10: first10 / firstS,
      okPerS: ok.length / loadS,
      meanMs: latency.mean,
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      gpuShare: ok.filter((a) => a.device === 'gpu:0').length / Math.max(1, ok.length),
      loadAverage: [load1, loadavg()[0]],
    };
  } finally {
    client.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const rounds = numberArg('--rounds', 3);
  const clients = numberArg('--clients', 4);
  const loadS = numberArg('--load-s', 30);
  const loadAtStart = loadavg();
  const seed = await node('seed');
  const seedClient = new HttpClient(seed.url, 2);
  const runs: LaneRun[] = [];
  try {
    const seedView = await until('seed calibrated', () => seeded(seedClient), 600_000, 200);
    process.stderr.write(`seed calibrated: ${JSON.stringify(seedView.calibration)}\n`);
    for (let r = 0; r < rounds; r++) {
      const order: Array<'cold' | 'warm'> = r % 2 === 0 ? ['cold', 'warm'] : ['warm', 'cold'];
      for (const lane of order) {
        runs.push(await runLane(lane, r + 1, seed.url, clients, loadS));
        process.stderr.write(`${JSON.stringify(runs[runs.length - 1])}\n`);
      }
    }
  } finally {
    seedClient.close();
    await seed.stop();
  }
  writeReport(runs, { rounds, clients, loadS, loadAtStart, loadAtEnd: loadavg() });
}

function writeReport(
  runs: LaneRun[],
  opts: { rounds: number; clients: number; loadS: number; loadAtStart: number[]; loadAtEnd: number[] },
): void {
  const command = `node dist/bench/cluster-warm-start/cluster-warm-start.bench.js --rounds ${opts.rounds} --clients ${opts.clients} --load-s ${opts.loadS}`;
  const lane = (name: 'cold' | 'warm') => runs.filter((r) => r.lane === name);
  const span = (name: 'cold' | 'warm', f: (r: LaneRun) => number, digits: number) => {
    const v = lane(name).map(f);
    return `${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(digits)} (${Math.min(...v).toFixed(digits)}-${Math.max(...v).toFixed(digits)})`;
  };
  const ratio = (f: (r: LaneRun) => number) => {
    const v = lane('warm').map((w) => f(w) / f(lane('cold').find((c) => c.round === w.round)!));
    return `${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(2)}x (${Math.min(...v).toFixed(2)}-${Math.max(...v).toFixed(2)})`;
  };
  const metrics: Array<[string, (r: LaneRun) => number, number]> = [
    ['start -> listening, s', (r) => r.listenS, 2],
    ['start -> ready (/v2/health/ready), s', (r) => r.readyS, 2],
    ['start -> estimator seeded (full speed), s', (r) => r.seededS, 2],
    ['ready -> estimator seeded, s (serving below full speed)', (r) => r.seededS - r.readyS, 2],
    ['calibration step (models loaded -> seeded), ms', (r) => r.calibration.elapsedMs ?? NaN, 0],
    ['answers/s, first 10 s after ready', (r) => r.okPerSFirst10, 1],
    [`answers/s, first ${opts.loadS} s after ready`, (r) => r.okPerS, 1],
    ['mean latency, ms', (r) => r.meanMs, 1],
    ['p50 latency, ms', (r) => r.p50Ms, 1],
    ['p99 latency, ms', (r) => r.p99Ms, 1],
    ['share placed on gpu:0 (software GPU), %', (r) => r.gpuShare * 100, 1],
  ];
  const rows = runs.map(
    (r) =>
      `| ${r.round} | ${r.lane} | ${r.calibration.status}${r.calibration.source ? ` (${r.calibration.source})` : ''} | ${r.listenS.toFixed(2)} | ${r.readyS.toFixed(2)} | ${r.seededS.toFixed(2)} | ${r.okPerSFirst10.toFixed(1)} | ${r.okPerS.toFixed(1)} | ${r.meanMs.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${(r.gpuShare * 100).toFixed(1)} | ${r.errors} | ${r.loadAverage.map((l) => l.toFixed(1)).join(' -> ')} |`,
  );
  const report = [
    '# Cluster warm start: a node joining with known hardware vs a cold node',
    '',
    `Command: \`${command}\` on ${hostname()} (${cpus().length} cores, ${cpus()[0]?.model.trim()}), ${new Date().toISOString()}.`,
    `Host load (1-minute load average): ${opts.loadAtStart.map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the start, ${opts.loadAtEnd.map((l) => l.toFixed(1)).join(' / ')} at the end; other engineers' builds and tests shared the 2 cores, so absolute numbers move between rounds; the lanes alternate order per round and are compared round by round.`,
    `Server options: ${Object.entries(APP)
      .map(([k, v]) => `SWITCHYARD_${k}=${v}`)
      .join(
        ' ',
      )}, every device of the host (cpu:0 and gpu:0 = Mesa lavapipe, a software GPU on the same cores), a fresh empty profiles/ folder per node; the warm node has SWITCHYARD_PEERS = the seed node (same host, so same hardware fingerprint).`,
    `Load: ${opts.clients} closed-loop clients, mlp_small batch 1 over HTTP, from the first 200 of /v2/health/ready for ${opts.loadS} s (start-up calibration of the cold node runs meanwhile, in the background, as in production).`,
    '',
    '## Summary: mean (min-max) over the rounds',
    '',
    '| metric | cold | warm | warm / cold, per round |',
    '| --- | ---: | ---: | ---: |',
    ...metrics.map(([name, f, d]) => `| ${name} | ${span('cold', f, d)} | ${span('warm', f, d)} | ${ratio(f)} |`),
    '',
    '## Rounds',
    '',
    '| round | lane | calibration | listening s | ready s | seeded s | answers/s first 10 s | answers/s | mean ms | p99 ms | on gpu:0 % | errors | load avg |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    'Raw runs:',
    '',
    '```json',
    JSON.stringify(runs, null, 1),
    '```',
    '',
  ].join('\n');
  const file = writeMarkdownReport('cluster-warm-start', report);
  console.log(report);
  console.log(`written to ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
