/**
 * A remote tier while the local GPU fails and recovers. Three server processes: a "remote"
 * Switchyard (CPU only), and two "local" ones with the GPU preferred (cpu:0=4, gpu:0=1, the GPU
 * pool in its own process), one of which lists the remote as remote:cloud (cost 2). Per round,
 * one lane per local node, one after the other (never both at once): `--clients` closed-loop
 * clients send a mixed load (mlp_tiny batch 1, mlp_small batch 1, 8 and 32, with
 * parameters.timeout = 2 s); after 3 s the GPU pool process is frozen (SIGSTOP) for `--hang-s`,
 * then SIGCONT if Switchyard has not replaced it, until the GPU is re-admitted, then 1 s more.
 * Measured per lane: availability (200 answers / requests), p99 latency (whole lane and during
 * the hang), and, with the remote, the share of each request size placed on it.
 *
 *   node dist/bench/remote-tier/remote-tier.bench.js [--rounds 3] [--clients 8] [--hang-s 8]
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
import { gpuPid, hangGpu, sleep, waitUntil } from '../faults/gpu-hang';

const DEADLINE_MS = 2000;

/** The request mix: each client cycles through it (10 requests: 4 tiny, 3 small b1, 2 small b8, 1 small b32). */
const CLASSES = [
  { name: 'mlp_tiny b1', model: 'mlp_tiny', width: 16, rows: 1 },
  { name: 'mlp_small b1', model: 'mlp_small', width: 1024, rows: 1 },
  { name: 'mlp_small b8', model: 'mlp_small', width: 1024, rows: 8 },
  { name: 'mlp_small b32', model: 'mlp_small', width: 1024, rows: 32 },
] as const;
const MIX = [0, 1, 0, 2, 1, 0, 3, 1, 0, 2];

const bodies = CLASSES.map((c) =>
  Buffer.from(
    JSON.stringify({
      inputs: [
        {
          name: 'input',
          datatype: 'FP32',
          shape: [c.rows, c.width],
          data: Array.from({ length: c.rows * c.width }, (_, i) => (i % 31) / 31),
        },
      ],
      parameters: { timeout: DEADLINE_MS * 1000 },
    }),
  ),
);

interface Answer {
  cls: number;
  status: number;
  device?: string;
  sentAt: number;
  answeredAt: number;
}

function load(client: HttpClient, clients: number): { answers: Answer[]; stop: () => Promise<void> } {
  const answers: Answer[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let n = c; running; n++) {
      const cls = MIX[n % MIX.length];
      const sentAt = performance.now();
      const res = await client.send('POST', `/v2/models/${CLASSES[cls].model}/infer`, bodies[cls], { 'content-type': 'application/json' });
      const answeredAt = performance.now();
      const device =
        res.status === 200 ? (JSON.parse(res.body.toString()) as { parameters: { device: string } }).parameters.device : undefined;
      answers.push({ cls, status: res.status, device, sentAt, answeredAt });
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

interface Lane {
  lane: 'local only' | 'with remote tier';
  requests: number;
  ok: number;
  availability: number;
  statuses: Record<string, number>;
  p99Ms: number;
  p50Ms: number;
  hangRequests: number;
  hangAvailability: number;
  hangP99Ms: number;
  /** Per request class: answers, and those placed on the remote. */
  placement: Array<{ cls: string; answers: number; remote: number }>;
  quarantineMs: number;
  readmitMs: number;
}

async function lane(name: Lane['lane'], client: HttpClient, clients: number, hangS: number): Promise<Lane> {
  const pid = await gpuPid(client);
  const traffic = load(client, clients);
  await sleep(3000);
  const { frozenAt, quarantinedAt, hangEnd, readmittedAt } = await hangGpu(client, pid, hangS);
  await sleep(1000);
  await traffic.stop();
  const all = traffic.answers;
  const hang = all.filter((a) => a.sentAt >= frozenAt && a.sentAt < hangEnd);
  const statuses: Record<string, number> = {};
  for (const a of all) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  const ok = all.filter((a) => a.status === 200);
  const latency = latencyStats(all.map((a) => a.answeredAt - a.sentAt));
  return {
    lane: name,
    requests: all.length,
    ok: ok.length,
    availability: ok.length / all.length,
    statuses,
    p99Ms: latency.p99,
    p50Ms: latency.p50,
    hangRequests: hang.length,
    hangAvailability: hang.filter((a) => a.status === 200).length / hang.length,
    hangP99Ms: latencyStats(hang.map((a) => a.answeredAt - a.sentAt)).p99,
    placement: CLASSES.map((c, i) => {
      const answered = ok.filter((a) => a.cls === i);
      return { cls: c.name, answers: answered.length, remote: answered.filter((a) => a.device?.startsWith('remote:')).length };
    }),
    quarantineMs: quarantinedAt - frozenAt,
    readmitMs: readmittedAt - quarantinedAt,
  };
}

async function main(): Promise<void> {
  const rounds = numberArg('--rounds', 3);
  const clients = numberArg('--clients', 8);
  const hangS = numberArg('--hang-s', 8);
  const dist = join(repoRoot(), 'dist');
  const common = { MODELS: 'mlp_tiny,mlp_small', CALIBRATION: 'skip' };
  const remote = await ServerProcess.start(dist, {
    ...common,
    DISABLED_DEVICES: 'gpu:0',
    PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-rt-')),
  });
  const localApp = { ...common, DEVICE_COSTS: 'cpu:0=4,gpu:0=1', PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-rt-')) };
  const remoteDevices = `cloud=${remote.url};cost=2;concurrency=16`;
  const alone = await ServerProcess.start(dist, localApp);
  const tiered = await ServerProcess.start(dist, {
    ...localApp,
    PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-rt-')),
    REMOTE_DEVICES: remoteDevices,
  });
  const clientsOf = [new HttpClient(alone.url, clients + 4), new HttpClient(tiered.url, clients + 4)];
  const results: Lane[][] = [];
  const loadBefore = loadavg()[0];
  try {
    for (const c of clientsOf) {
      await waitUntil('ready', async () => (await c.send('GET', '/v2/health/ready')).status === 200, 180_000, 200);
      await gpuPid(c);
      // every device learns every request size before the rounds
      for (let i = 0; i < 100; i++)
        await c.send('POST', `/v2/models/${CLASSES[MIX[i % MIX.length]].model}/infer`, bodies[MIX[i % MIX.length]], {
          'content-type': 'application/json',
        });
    }
    for (let r = 0; r < rounds; r++) {
      const pair = [await lane('local only', clientsOf[0], clients, hangS), await lane('with remote tier', clientsOf[1], clients, hangS)];
      results.push(pair);
      process.stderr.write(`round ${r + 1}/${rounds}: ${JSON.stringify(pair.map((l) => [l.lane, l.availability, l.p99Ms]))}\n`);
    }
  } finally {
    for (const c of clientsOf) c.close();
    await Promise.all([alone.stop(), tiered.stop(), remote.stop()]);
  }
  writeReport(results, { rounds, clients, hangS, localApp, remoteDevices, loadBefore });
}

function writeReport(
  results: Lane[][],
  o: { rounds: number; clients: number; hangS: number; localApp: Record<string, string>; remoteDevices: string; loadBefore: number },
): void {
  const command = `node dist/bench/remote-tier/remote-tier.bench.js --rounds ${o.rounds} --clients ${o.clients} --hang-s ${o.hangS}`;
  const lanes = (name: Lane['lane']) => results.map((pair) => pair.find((l) => l.lane === name)!);
  const span = (v: number[], digits = 0, scale = 1) =>
    `${((v.reduce((a, b) => a + b, 0) / v.length) * scale).toFixed(digits)} (${(Math.min(...v) * scale).toFixed(digits)}-${(Math.max(...v) * scale).toFixed(digits)})`;
  const row = (l: Lane, i: number) =>
    `| ${i + 1} | ${l.lane} | ${l.requests} | ${(l.availability * 100).toFixed(2)} % | ${JSON.stringify(l.statuses)} | ${l.p50Ms.toFixed(0)} | ${l.p99Ms.toFixed(0)} | ${l.hangRequests} | ${(l.hangAvailability * 100).toFixed(2)} % | ${l.hangP99Ms.toFixed(0)} | ${l.quarantineMs.toFixed(0)} | ${l.readmitMs.toFixed(0)} |`;
  const summary = (name: Lane['lane']) => {
    const ls = lanes(name);
    return `| ${name} | ${span(
      ls.map((l) => l.availability),
      2,
      100,
    )} % | ${span(
      ls.map((l) => l.hangAvailability),
      2,
      100,
    )} % | ${span(ls.map((l) => l.p99Ms))} | ${span(ls.map((l) => l.hangP99Ms))} |`;
  };
  const tiered = lanes('with remote tier');
  const placement = CLASSES.map((c, i) => {
    const answers = tiered.reduce((n, l) => n + l.placement[i].answers, 0);
    const remote = tiered.reduce((n, l) => n + l.placement[i].remote, 0);
    const shares = tiered.map((l) => (l.placement[i].answers ? l.placement[i].remote / l.placement[i].answers : 0));
    return `| ${c.name} | ${answers} | ${(((answers - remote) / answers) * 100).toFixed(1)} % | ${((remote / answers) * 100).toFixed(1)} % | ${span(shares, 1, 100)} % |`;
  });
  const report = [
    `# Remote tier: availability while the local GPU fails and recovers`,
    '',
    `Command: \`${command}\` on ${hostname()}, ${new Date().toISOString().slice(0, 10)}. Host load average ${o.loadBefore.toFixed(1)} before the rounds and ${loadavg()[0].toFixed(1)} at the end, on ${cpus().length} cores (other work shared the host; all three servers run on it too, so the "remote" is no faster than the local CPU).`,
    `Local servers: ${Object.entries(o.localApp)
      .filter(([k]) => k !== 'PROFILES_DIR')
      .map(([k, v]) => `SWITCHYARD_${k}=${v}`)
      .join(
        ' ',
      )}; the tiered one adds SWITCHYARD_REMOTE_DEVICES=${o.remoteDevices.replace(/http:\/\/[^;]+/, '<remote url>')}. Remote: the same models, CPU only.`,
    `${o.clients} closed-loop clients, mix per 10 requests: 4 mlp_tiny b1, 3 mlp_small b1, 2 mlp_small b8, 1 mlp_small b32; parameters.timeout = ${DEADLINE_MS} ms. Per lane: 3 s normal, SIGSTOP of the GPU pool process, SIGCONT ${o.hangS} s later if Switchyard has not replaced it, until the GPU is re-admitted, 1 s more. The two lanes of a round run one after the other.`,
    '',
    '## Summary, mean (min-max) over rounds',
    '',
    '| lane | availability | availability during the hang | p99 ms | p99 during the hang ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    summary('local only'),
    summary('with remote tier'),
    '',
    '## Placement share by request size (lane with the remote tier, all rounds)',
    '',
    '| request | answers | local | remote | remote share per round, mean (min-max) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...placement,
    '',
    '## Rounds',
    '',
    '| round | lane | requests | availability | statuses | p50 ms | p99 ms | requests during hang | availability during hang | p99 during hang ms | freeze -> quarantine ms | quarantine -> re-admitted ms |',
    '| ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.flatMap((pair, i) => pair.map((l) => row(l, i))),
    '',
    'Raw lanes:',
    '',
    '```json',
    JSON.stringify(results, null, 1),
    '```',
    '',
  ].join('\n');
  const file = writeMarkdownReport('remote-tier', report);
  console.log(report);
  console.error(`report: ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
