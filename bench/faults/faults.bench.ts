/**
 * The GPU hangs mid-run: what do clients see? A server process with the GPU preferred
 * (SWITCHYARD_DEVICE_COSTS=cpu:0=50,gpu:0=1, the GPU pool in its own process, the default), 8
 * closed-loop clients on mlp_tiny with parameters.timeout = 2 s. Per round, side by side:
 *   cpu-only  the same clients pinned to cpu:0 (what the CPU alone delivers)
 *   hang      unpinned; after 2 s the GPU pool process is frozen (SIGSTOP, what a hung driver
 *             looks like) for `--hang-s`; it gets SIGCONT then if Switchyard has not replaced it
 * Measured: answers later than deadline + 250 ms (target 0), answers/s during the hang as a share of
 * the cpu-only lane (target >= 80 %), time from the freeze to quarantine and from quarantine to
 * re-admission (GET /v1/devices polled every 25 ms).
 *
 *   node dist/bench/faults/faults.bench.js [--rounds 3] [--clients 8] [--hang-s 10] [--cpu-s 10]
 */
import { mkdtempSync } from 'node:fs';
import { cpus, hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../../test/support/repo-paths';
import { HttpClient } from '../targets/http-client';
import { ServerProcess } from '../targets/server-process';
import { writeMarkdownReport } from '../report/write-markdown-report';
import { numberArg } from '../cli/flag';
import { gpuPid, hangGpu, sleep, waitUntil } from './gpu-hang';

const DEADLINE_MS = 2000;
const LATE_MS = 250;

interface Answer {
  status: number;
  device?: string;
  retried: boolean;
  sentAt: number;
  answeredAt: number;
}

const body = (pinned?: string) =>
  Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => i / 16) }],
      parameters: { timeout: DEADLINE_MS * 1000, ...(pinned ? { device: pinned } : {}) },
    }),
  );

/** `clients` closed loops until `stop()`. */
function load(client: HttpClient, clients: number, pinned?: string): { answers: Answer[]; stop: () => Promise<void> } {
  const answers: Answer[] = [];
  const payload = body(pinned);
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const sentAt = performance.now();
      const res = await client.send('POST', '/v2/models/mlp_tiny/infer', payload, { 'content-type': 'application/json' });
      const answeredAt = performance.now();
      let device: string | undefined;
      let retried = false;
      if (res.status === 200) {
        const p = (JSON.parse(res.body.toString()) as { parameters: { device: string; retried_from?: string } }).parameters;
        device = p.device;
        retried = p.retried_from !== undefined;
      }
      answers.push({ status: res.status, device, retried, sentAt, answeredAt });
    }
  });
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

interface Round {
  cpuOnlyRate: number;
  normalRate: number;
  hangRate: number;
  hangShare: number;
  late: number;
  answers: number;
  statuses: Record<string, number>;
  retried: number;
  onGpuDuringHang: number;
  quarantineMs: number;
  readmitMs: number;
  maxLatencyMs: number;
}

function rate(answers: Answer[], from: number, to: number): number {
  return answers.filter((a) => a.status === 200 && a.answeredAt >= from && a.answeredAt < to).length / ((to - from) / 1000);
}

async function round(client: HttpClient, clients: number, hangS: number, cpuS: number): Promise<Round> {
  // the CPU alone
  const cpu = load(client, clients, 'cpu:0');
  await sleep(1000);
  const cpuFrom = performance.now();
  await sleep(cpuS * 1000);
  const cpuTo = performance.now();
  await cpu.stop();

  // both devices, then the GPU hangs
  const pid = await gpuPid(client);
  const traffic = load(client, clients);
  await sleep(1000);
  const normalFrom = performance.now();
  await sleep(2000);
  const { frozenAt, quarantinedAt, hangEnd, readmittedAt } = await hangGpu(client, pid, hangS);
  await sleep(1000);
  await traffic.stop();

  const answers = traffic.answers;
  const statuses: Record<string, number> = {};
  for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  const cpuOnlyRate = rate(cpu.answers, cpuFrom, cpuTo);
  const hangRate = rate(answers, frozenAt, hangEnd);
  return {
    cpuOnlyRate,
    normalRate: rate(answers, normalFrom, frozenAt),
    hangRate,
    hangShare: hangRate / cpuOnlyRate,
    late: answers.filter((a) => a.answeredAt - a.sentAt > DEADLINE_MS + LATE_MS).length,
    answers: answers.length,
    statuses,
    retried: answers.filter((a) => a.retried).length,
    onGpuDuringHang: answers.filter((a) => a.device === 'gpu:0' && a.answeredAt > frozenAt + 100 && a.answeredAt < hangEnd).length,
    quarantineMs: quarantinedAt - frozenAt,
    readmitMs: readmittedAt - quarantinedAt,
    maxLatencyMs: Math.max(...answers.map((a) => a.answeredAt - a.sentAt)),
  };
}

async function main(): Promise<void> {
  const rounds = numberArg('--rounds', 3);
  const clients = numberArg('--clients', 8);
  const hangS = numberArg('--hang-s', 10);
  const cpuS = numberArg('--cpu-s', 10);
  const app = {
    MODELS: 'mlp_tiny',
    DEVICE_COSTS: 'cpu:0=50,gpu:0=1',
    CALIBRATION: 'skip',
    PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-faults-')),
  };
  const server = await ServerProcess.start(join(repoRoot(), 'dist'), app);
  const client = new HttpClient(server.url, clients + 4);
  const results: Round[] = [];
  try {
    await waitUntil('ready', async () => (await client.send('GET', '/v2/health/ready')).status === 200, 180_000, 200);
    await gpuPid(client);
    for (let i = 0; i < 200; i++) await client.send('POST', '/v2/models/mlp_tiny/infer', body(), { 'content-type': 'application/json' }); // both devices learned
    for (let r = 0; r < rounds; r++) {
      results.push(await round(client, clients, hangS, cpuS));
      process.stderr.write(`round ${r + 1}/${rounds}: ${JSON.stringify(results[r])}\n`);
    }
  } finally {
    client.close();
    await server.stop();
  }
  writeReport(results, { rounds, clients, hangS, cpuS, app });
}

function writeReport(
  results: Round[],
  opts: { rounds: number; clients: number; hangS: number; cpuS: number; app: Record<string, string> },
): void {
  const date = new Date().toISOString().slice(0, 10);
  const command = `node dist/bench/faults/faults.bench.js --rounds ${opts.rounds} --clients ${opts.clients} --hang-s ${opts.hangS} --cpu-s ${opts.cpuS}`;
  const span = (f: (r: Round) => number, digits = 0) => {
    const v = results.map(f);
    return `${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(digits)} (${Math.min(...v).toFixed(digits)}-${Math.max(...v).toFixed(digits)})`;
  };
  const rows = results.map(
    (r, i) =>
      `| ${i + 1} | ${r.cpuOnlyRate.toFixed(0)} | ${r.normalRate.toFixed(0)} | ${r.hangRate.toFixed(0)} | ${(r.hangShare * 100).toFixed(0)} % | ${r.late} | ${r.answers} | ${JSON.stringify(r.statuses)} | ${r.retried} | ${r.onGpuDuringHang} | ${r.quarantineMs.toFixed(0)} | ${r.readmitMs.toFixed(0)} | ${r.maxLatencyMs.toFixed(0)} |`,
  );
  const report = [
    `# Faults: the GPU pool hangs for ${opts.hangS} s under load`,
    '',
    `Command: \`${command}\` on ${hostname()}, ${date} (load average at the end ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; other work shared the host).`,
    `Server options: ${Object.entries(opts.app)
      .filter(([k]) => k !== 'PROFILES_DIR')
      .map(([k, v]) => `SWITCHYARD_${k}=${v}`)
      .join(' ')}; defaults otherwise (GPU pool in a child process, run bound max(5 s, 20 x predicted), probe backoff 1 s).`,
    `${opts.clients} closed-loop clients on mlp_tiny, batch 1, parameters.timeout = ${DEADLINE_MS} ms. Per round: ${opts.cpuS} s pinned to cpu:0 (cpu-only), then unpinned: 3 s normal, SIGSTOP of the GPU pool process, SIGCONT ${opts.hangS} s later if Switchyard has not replaced it, until the GPU is re-admitted.`,
    '',
    '| round | cpu-only /s | normal /s | during hang /s | hang / cpu-only | past deadline + 250 ms | answers | statuses | retried | on gpu during hang | freeze -> quarantine ms | quarantine -> re-admitted ms | max latency ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Mean (min-max) over ${results.length} rounds: during the hang ${span((r) => r.hangRate)} answers/s = ${span((r) => r.hangShare * 100)} % of the cpu-only lane (target >= 80 %); answers past the deadline + 250 ms: ${results.reduce((n, r) => n + r.late, 0)} in all (target 0); quarantine ${span((r) => r.quarantineMs)} ms after the freeze (the run bound: 5 s floor); re-admitted ${span((r) => r.readmitMs)} ms after quarantine (probe backoff 1 s + SIGKILL of the frozen process + restart of the pool process + its WebGPU session load + the probe run).`,
    '',
    'Before this change (issue 10, same setup): the rate fell from ~790 to ~1.3 answers/s during the hang, two requests were never answered, and nothing marked the device.',
    '',
    'Raw rounds:',
    '',
    '```json',
    JSON.stringify(results, null, 1),
    '```',
    '',
  ].join('\n');
  writeMarkdownReport('faults', report);
  console.log(report);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
