/**
 * Where a server's main thread spends its time per request, by Linux perf: the bare Fastify route
 * with the pool hop, this build's Switchyard and (with --before-dist) another build, one after
 * the other, each under `perf record -e cpu-clock -g` on its main thread only while a keep-alive
 * client sends mlp_tiny JSON requests one at a time (after a warm-up). Node runs with its perf map
 * (--perf-basic-prof-only-functions) so that JIT frames have names.
 *
 *   node dist/bench/overhead/perf-main-thread.js [--requests 10000] [--hz 2000] [--before-dist DIR] [--out DIR]
 *
 * Needs `perf` (Debian: linux-perf) allowed to sample (root, or kernel.perf_event_paranoid <= 1);
 * says so and stops otherwise. Sampling slows the server down (a third or more at 2 kHz), so the
 * figures are for comparing the servers of one run, not for absolute costs. Each sample is put in
 * one place: what woke the event loop (a request's bytes, the worker's answer, a timer), and who
 * was running (the first known native step up the stack, else the package or lib of the first JS
 * frame). "V8 generic object paths" counts the samples whose frames below the first JS frame are
 * V8's slow paths for objects whose shape changes (transitions, spreads inside literals,
 * Object.assign adding fields, megamorphic property access).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelRepository, repoRoot } from '../../test/support/repo-paths';
import { arg, numberArg } from '../cli/flag';
import { writeMarkdownReport } from '../report/write-markdown-report';
import { latencyStats } from '../stats/percentile';
import { hostFacts } from '../runner/host-facts';
import { HttpClient } from '../targets/http-client';
import { ServerProcess } from '../targets/server-process';
import { httpLayers, overheadServerOptions, sineInput, waitReady } from './infer-requests';

const WARM_UP = 3000;
const NODE_ARGS = ['--perf-basic-prof-only-functions', '--interpreted-frames-native-stack'];

/** Native steps that name a sample's place before any JS frame does (first match up the stack). */
const NATIVE_OWNERS: Array<[string, string]> = [
  ['eventfd_write', 'native: waking the worker (postMessage)'],
  ['PostMessage', 'native: postMessage'],
  ['ValueDeserializer', 'native: structured clone, reading'],
  ['ValueSerializer', 'native: structured clone, writing'],
  ['JsonParser', 'native: JSON.parse'],
  ['JsonStringifier', 'native: JSON.stringify'],
  ['writev', 'native: socket write'],
  ['llhttp', 'native: HTTP parser'],
  ['Scavenger', 'GC'],
  ['MarkCompact', 'GC'],
  ['Heap::', 'GC'],
  ['epoll', 'epoll (waiting, scheduling)'],
  ['uv__read', 'native: socket read'],
];

/** V8 runtime functions and builtins of its slow paths for objects whose shape changes. */
const GENERIC_OBJECT_PATHS = [
  'LookupIterator',
  'TransitionArray',
  'MigrateToMap',
  'TransitionToDataProperty',
  'DescriptorArray',
  'CopyDataProperties',
  'CloneObjectIC',
  'SetDataProperties',
  'DefineNamedOwnIC',
  'GetFieldCounts',
  'Map::',
  'Megamorphic',
];

interface Profile {
  server: string;
  requests: number;
  p50Ms: number;
  samples: number;
  /** µs of main-thread time per request, by what woke the loop, by owner, and in V8's generic object paths. */
  perRequestUs: { total: number; wakeUp: Record<string, number>; owner: Record<string, number>; genericObjectPaths: number };
}

function wakeUp(stack: string[]): string {
  const has = (s: string) => stack.some((f) => f.includes(s));
  if (has('MessagePort::OnMessage')) return "the worker's answer";
  if (has('Parser::OnStreamRead') || has('OnUvRead')) return "a request's bytes";
  if (has('uv__run_timers') || has('RunTimers')) return 'a timer';
  if (has('epoll_wait') || has('epoll_pwait')) return 'waiting in epoll';
  return 'other';
}

function owner(stack: string[]): string {
  for (const frame of stack) {
    for (const [key, name] of NATIVE_OWNERS) if (frame.includes(key)) return name;
    if (!frame.startsWith('JS:')) continue;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame);
    if (pkg) return `package ${pkg[1]}`;
    const lib = /\/dist\/libs\/([^/]+)\//.exec(frame);
    if (lib) return `lib ${lib[1]}`;
    if (frame.includes('/dist/')) return 'other code of the build (bench server, app)';
    const node = /node:([a-z_]+)/.exec(frame);
    return node ? `node:${node[1]}` : 'other JS';
  }
  return 'other native';
}

function genericObjectPath(stack: string[]): boolean {
  for (const frame of stack) {
    if (frame.startsWith('JS:')) return false;
    if (GENERIC_OBJECT_PATHS.some((k) => frame.includes(k))) return true;
  }
  return false;
}

/** `perf script` output: one sample per block, its frames (leaf first) indented, "address symbol". */
function* samplesOf(script: string): Generator<string[]> {
  let frames: string[] = [];
  for (const line of script.split('\n')) {
    if (line.trim() === '') {
      if (frames.length) yield frames;
      frames = [];
    } else if (line.startsWith('\t') || line.startsWith(' ')) {
      const parts = line.trim().split(/\s+/);
      frames.push(parts.slice(1).join(' '));
    } else frames = [];
  }
  if (frames.length) yield frames;
}

async function profile(name: string, start: () => Promise<ServerProcess>, requests: number, hz: number, dir: string): Promise<Profile> {
  const server = await start();
  const client = new HttpClient(server.url, 1);
  const send = httpLayers(name, client, 'mlp_tiny', sineInput(1, 16))[`${name} json`];
  const data = join(dir, `${name}.data`);
  try {
    if (name !== 'bare-pool') await waitReady(client);
    for (let i = 0; i < WARM_UP; i++) await send();
    const perf = spawn('perf', ['record', '-q', '-e', 'cpu-clock', '-F', String(hz), '-g', '-t', String(server.pid), '-o', data], {
      stdio: 'ignore',
    });
    const recording = new Promise((resolve) => perf.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const latencies: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      await send();
      latencies.push(performance.now() - t0);
    }
    perf.kill('SIGINT');
    await recording;
    const script = spawnSync('perf', ['script', '-i', data, '-F', 'comm,tid,time,ip,sym'], { encoding: 'utf8', maxBuffer: 2 ** 30 });
    if (script.status !== 0) throw new Error(`perf script failed: ${script.stderr}`);
    const us = (n: number) => Math.round((n / hz / requests) * 1e6 * 10) / 10;
    const wake: Record<string, number> = {};
    const owners: Record<string, number> = {};
    let total = 0;
    let generic = 0;
    for (const stack of samplesOf(script.stdout)) {
      total++;
      const w = wakeUp(stack);
      wake[w] = (wake[w] ?? 0) + 1;
      const o = owner(stack);
      owners[o] = (owners[o] ?? 0) + 1;
      if (genericObjectPath(stack)) generic++;
    }
    const scaled = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, us(v)]));
    return {
      server: name,
      requests,
      p50Ms: latencyStats(latencies).p50,
      samples: total,
      perRequestUs: { total: us(total), wakeUp: scaled(wake), owner: scaled(owners), genericObjectPaths: us(generic) },
    };
  } finally {
    client.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const requests = numberArg('--requests', 10_000);
  const hz = numberArg('--hz', 2000);
  const beforeDist = arg('--before-dist', '');
  const outDir = arg('--out', '');
  const check = spawnSync('perf', ['record', '-q', '-e', 'cpu-clock', '-o', '/dev/null', '--', 'true'], { encoding: 'utf8' });
  if (check.error || check.status !== 0) {
    process.stderr.write(
      `perf cannot sample here (install linux-perf; root or kernel.perf_event_paranoid <= 1): ${check.error?.message ?? check.stderr}\n`,
    );
    process.exit(2);
  }
  const dist = join(repoRoot(), 'dist');
  const path = join(modelRepository(), 'mlp_tiny', '1', 'model.onnx');
  const options = overheadServerOptions('mlp_tiny');
  const dir = mkdtempSync(join(tmpdir(), 'sy-perf-'));
  const loadBefore = hostFacts().loadAverage ?? [];
  const profiles: Profile[] = [];
  try {
    profiles.push(
      await profile(
        'bare-pool',
        () =>
          ServerProcess.startScript(
            join(dist, 'bench', 'overhead', 'bare-fastify-server.js'),
            { BARE_MODEL_PATH: path, BARE_MODE: 'pool' },
            180_000,
            NODE_ARGS,
          ),
        requests,
        hz,
        dir,
      ),
    );
    profiles.push(await profile('switchyard', () => ServerProcess.start(dist, options, 180_000, NODE_ARGS), requests, hz, dir));
    if (beforeDist)
      profiles.push(await profile('before', () => ServerProcess.start(beforeDist, options, 180_000, NODE_ARGS), requests, hz, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    spawnSync('sh', ['-c', 'rm -f /tmp/perf-*.map']);
  }
  const facts = hostFacts();
  const names = profiles.map((p) => p.server);
  const keys = (pick: (p: Profile) => Record<string, number>) =>
    [...new Set(profiles.flatMap((p) => Object.keys(pick(p))))].sort(
      (a, b) => Math.max(...profiles.map((p) => pick(p)[b] ?? 0)) - Math.max(...profiles.map((p) => pick(p)[a] ?? 0)),
    );
  const table = (title: string, pick: (p: Profile) => Record<string, number>) => [
    `| ${title} | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---:').join(' | ')} |`,
    ...keys(pick).map((k) => `| ${k} | ${profiles.map((p) => (pick(p)[k] ?? 0).toFixed(1)).join(' | ')} |`),
  ];
  const command = `node dist/bench/overhead/perf-main-thread.js --requests ${requests} --hz ${hz}${beforeDist ? ` --before-dist ${beforeDist}` : ''}`;
  const report = [
    "# Where the server's main thread spends its time per request (perf)",
    '',
    `Command: \`npm run build && ${command}\` on ${facts.hostname} (${facts.cpuModel}, ${facts.cores} cores, shared), ${new Date().toISOString().slice(0, 10)}, Node ${facts.node}.`,
    `Load average ${loadBefore.join(' / ')} at the start, ${(facts.loadAverage ?? []).join(' / ')} at the end.`,
    '',
    `Each server in turn: ${WARM_UP} warm-up requests, then \`perf record -e cpu-clock -F ${hz} -g\` on its main thread while`,
    `${requests} mlp_tiny JSON requests are sent one at a time from a keep-alive client (one CPU worker, one intra-op thread).`,
    "Figures: us of the main thread's CPU time per request, from the samples; sampling slows the servers down, so compare the",
    'columns, not the absolute values. See the header of `bench/overhead/perf-main-thread.ts` for how samples are placed.',
    '',
    `| | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---:').join(' | ')} |`,
    `| p50 under perf (ms) | ${profiles.map((p) => p.p50Ms.toFixed(3)).join(' | ')} |`,
    `| main thread, us per request | ${profiles.map((p) => p.perRequestUs.total.toFixed(1)).join(' | ')} |`,
    `| of which in V8's generic object paths | ${profiles.map((p) => p.perRequestUs.genericObjectPaths.toFixed(1)).join(' | ')} |`,
    '',
    ...table('what woke the event loop (us per request)', (p) => p.perRequestUs.wakeUp),
    '',
    ...table('who ran (us per request)', (p) => p.perRequestUs.owner),
    '',
  ].join('\n');
  const file = writeMarkdownReport('perf-main-thread', report, { requests, hz, host: facts, profiles }, outDir);
  process.stdout.write(`${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
