/**
 * The whole placement decision (snapshots of every device + filter + policy, as in
 * decision-cost-e2e) counted in machine instructions under valgrind's callgrind: a measure that
 * the host's load does not move (the CPU time of a shared host does). Each configuration runs in
 * two child processes, `node --single-threaded` (no background compiler or GC threads whose work
 * would land in the count at random), both warmed up alike, one making N decisions after the
 * warm-up and one 2N; instructions per decision = (count(2N) - count(N)) / N, so start-up,
 * set-up and warm-up cancel out. The same child also runs natively to time the decisions (CPU
 * time per decision, median and best of rounds).
 *
 *   npm run build && node dist/bench/decision-cost-instructions.js [out-root]
 *   node dist/bench/decision-cost-instructions.js --render <report dir>   (report.md again from its raw.json.gz)
 *
 * Writes bench/results/decision-cost/<date>-<host>/report.md and raw.json.gz.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DEFAULT_POLICY_FACTORIES, PolicyRegistry, SchedulingFramework } from '@switchyard/scheduler';
import { decisionBench } from './decision-cost/end-to-end-decision';
import { hostFacts, resultDir } from './runner/host-facts';
import { median } from './stats/percentile';

const TARGET_NS = 20_000;
const N = 2000;
/** Decisions (whole, then policy alone) before counting starts: the JIT has optimized the path long before. */
const WARM_UP = 5000;
/**
 * The target shape with adaptive, counted twice (the counts' repeatability), and with round-robin
 * (the cheapest policy: what the snapshots cost alone is close to it). Each count takes minutes
 * under valgrind.
 */
const CONFIGS = [
  { devices: 64, queuedJobs: 1000, observesPerDecision: 0, policy: 'adaptive', policyAlone: true },
  { devices: 64, queuedJobs: 1000, observesPerDecision: 0, policy: 'adaptive', policyAlone: false },
  { devices: 64, queuedJobs: 1000, observesPerDecision: 0, policy: 'round-robin', policyAlone: false },
];
const NATIVE_ROUNDS = 15;
const ROUND = 1000;

interface Row {
  devices: number;
  queuedJobs: number;
  observesPerDecision: number;
  policy: string;
  /** Instructions counted by callgrind for N and 2N decisions (same warm-up). */
  irN: number;
  ir2N: number;
  irPerDecision: number;
  /** The same for the policy alone (snapshots built once), where counted. */
  policyIrPerDecision?: number;
  /** Native CPU ns per decision, per round of ROUND decisions. */
  cpuNsByRound: number[];
}

/** Child: set up, warm up, make `n` decisions (`mode` whole or policy-only); with `rounds`, time rounds instead. */
function child(args: string[]): void {
  const [devices, queuedJobs, observes, policyName, mode, n] = args;
  const registry = new PolicyRegistry(DEFAULT_POLICY_FACTORIES);
  const bench = decisionBench(
    new SchedulingFramework(),
    registry.get(policyName),
    {
      devices: Number(devices),
      queuedJobs: Number(queuedJobs),
      observesPerDecision: Number(observes),
    },
    mode === 'time' ? 5000 : WARM_UP,
  );
  const step = mode === 'policy' ? bench.policyOnly : bench.decide;
  if (mode === 'time') {
    const out: number[] = [];
    for (let r = 0; r < Number(n); r++) {
      const cpu = process.cpuUsage();
      for (let i = r * ROUND; i < (r + 1) * ROUND; i++) step(i);
      const spent = process.cpuUsage(cpu);
      out.push(((spent.user + spent.system) * 1000) / ROUND);
    }
    process.stdout.write(JSON.stringify(out));
  } else {
    for (let i = 0; i < Number(n); i++) step(i);
  }
  bench.close();
}

/** Instructions of one child under callgrind (two run at once: the count does not depend on what else runs). */
interface Meta {
  date: string;
  host: ReturnType<typeof hostFacts>;
  valgrind: string;
  loadBefore: number[];
  loadAfter: number[];
  seconds: number;
  n: number;
  warmUp: number;
}

function render(meta: Meta, rows: readonly Row[]): string {
  const us = (ns: number) => (ns / 1000).toFixed(2);
  const k = (ir: number) => `${(ir / 1000).toFixed(1)}k`;
  const { n } = meta;
  const target = rows.filter((r) => r.devices === 64 && r.queuedJobs === 1000);
  const slowest = target.reduce((a, b) => (median(b.cpuNsByRound) > median(a.cpuNsByRound) ? b : a));
  const split = rows.find((r) => r.policyIrPerDecision !== undefined);
  const seen = new Set<string>();
  return [
    '# Scheduling decision cost, end to end: instructions and CPU time',
    '',
    `${meta.date} on \`${meta.host.hostname}\`: ${meta.host.cpuModel} (${meta.host.cores} cores, shared by several engineers), Node ${meta.host.node}, ${meta.valgrind};`,
    `load average ${meta.loadBefore.join(' / ')} at the start, ${meta.loadAfter.join(' / ')} at the end; ${meta.seconds} s.`,
    '',
    'Command: `npm run build && node dist/bench/decision-cost-instructions.js`. What one decision is: the same as `decision-cost-e2e`',
    '(a DeviceSnapshot of every device from its real DeviceDispatcher, the canRun filter, `SchedulingFramework.schedule()` with the',
    'production policy; queued jobs held in front of pools whose tasks never finish; the clock moves and the job varies between decisions).',
    '',
    "**Method.** Instructions (not moved by the host's load): each configuration runs under `valgrind --tool=callgrind` in two child",
    `processes (\`node --single-threaded\`: no background compiler or GC threads), both set up and warmed up alike (${meta.warmUp.toLocaleString('en')} decisions), then`,
    `${n.toLocaleString('en')} and ${(2 * n).toLocaleString('en')} decisions: instructions per decision = (count(${2 * n}) - count(${n})) / ${n}, so start-up, set-up and warm-up cancel.`,
    'A configuration listed twice was counted twice: the difference is how repeatable a count is (JIT and GC work that lands in one',
    "window and not the other). Counts compare a decision's parts and a change's before and after; they are not converted to time:",
    'set against the native CPU time they would mean over 10 instructions per ns, more than such code usually reaches, so the code valgrind counts',
    'is not exactly the code that runs natively. Time: the same child without valgrind, CPU time (user + system) per decision in',
    `rounds of ${ROUND.toLocaleString('en')} after a 5,000-decision warm-up, median and best of ${NATIVE_ROUNDS} rounds (a round's CPU time grows only while the process`,
    'runs, so the load inflates it far less than the wall clock).',
    '',
    `**Result:** 64 devices, 1,000 queued jobs: ${us(median(slowest.cpuNsByRound))} us CPU per decision in the median round for the slowest policy here (${slowest.policy}),`,
    `${median(slowest.cpuNsByRound) < TARGET_NS ? 'meets' : 'MISSES'} the target of < 20 us.` +
      (split?.policyIrPerDecision !== undefined
        ? ` Snapshots + filter are ${k(split.irPerDecision - split.policyIrPerDecision)} of the ${k(split.irPerDecision)} instructions of one ${split.policy} decision (${Math.round((100 * (split.irPerDecision - split.policyIrPerDecision)) / split.irPerDecision)} %).`
        : ''),
    '',
    '| devices | queued jobs | observes/decision | policy | instructions/decision | policy alone | snapshots + filter | native CPU us, median round | native CPU us, best round |',
    '| ---: | ---: | ---: | :--- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const key = `${r.devices}/${r.queuedJobs}/${r.observesPerDecision}/${r.policy}`;
      const repeat = seen.has(key) ? ' (repeat)' : '';
      seen.add(key);
      const alone = r.policyIrPerDecision;
      return `| ${r.devices} | ${r.queuedJobs.toLocaleString('en')} | ${r.observesPerDecision} | ${r.policy}${repeat} | ${k(r.irPerDecision)} | ${alone === undefined ? '' : k(alone)} | ${alone === undefined ? '' : k(r.irPerDecision - alone)} | ${us(median(r.cpuNsByRound))} | ${us(Math.min(...r.cpuNsByRound))} |`;
    }),
    '',
    'Raw data (`raw.json.gz`): the callgrind counts of each child and every native round. Re-render: `node dist/bench/decision-cost-instructions.js --render <dir>`.',
    '',
  ].join('\n');
}

/** Rewrites <dir>/report.md from <dir>/raw.json.gz. */
function rerender(dir: string): void {
  const { rows, ...meta } = JSON.parse(gunzipSync(readFileSync(join(dir, 'raw.json.gz'))).toString()) as Meta & { rows: Row[] };
  writeFileSync(join(dir, 'report.md'), render(meta, rows));
  process.stdout.write(`${join(dir, 'report.md')}\n`);
}

function callgrindCount(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'valgrind',
      ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', __filename, '--child', ...args],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const match = /Collected\s*:\s*(\d+)/.exec(stderr);
      if (code !== 0 || !match) reject(new Error(`callgrind failed (${code}): ${stderr.slice(-1500)}`));
      else resolve(Number(match[1]));
    });
  });
}

async function main(outRoot = 'bench/results'): Promise<void> {
  const started = Date.now();
  const load0 = hostFacts().loadAverage ?? [];
  const valgrind = execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  const rows: Row[] = [];
  for (const { policyAlone, ...config } of CONFIGS) {
    const base = [String(config.devices), String(config.queuedJobs), String(config.observesPerDecision), config.policy];
    const [irN, ir2N] = await Promise.all([
      callgrindCount([...base, 'whole', String(N)]),
      callgrindCount([...base, 'whole', String(2 * N)]),
    ]);
    const [pN, p2N] = policyAlone
      ? await Promise.all([callgrindCount([...base, 'policy', String(N)]), callgrindCount([...base, 'policy', String(2 * N)])])
      : [];
    const timed = execFileSync(process.execPath, [__filename, '--child', ...base, 'time', String(NATIVE_ROUNDS)], { encoding: 'utf8' });
    const row: Row = {
      ...config,
      irN,
      ir2N,
      irPerDecision: (ir2N - irN) / N,
      ...(pN !== undefined && p2N !== undefined ? { policyIrPerDecision: (p2N - pN) / N } : {}),
      cpuNsByRound: JSON.parse(timed) as number[],
    };
    rows.push(row);
    process.stdout.write(
      `${config.devices} devices ${config.queuedJobs} queued obs ${config.observesPerDecision} ${config.policy}: ${Math.round(row.irPerDecision)} instructions/decision\n`,
    );
  }
  const facts = hostFacts();
  const meta: Meta = {
    date: new Date().toISOString().slice(0, 10),
    host: facts,
    valgrind,
    loadBefore: load0,
    loadAfter: facts.loadAverage ?? [],
    seconds: Math.round((Date.now() - started) / 1000),
    n: N,
    warmUp: WARM_UP,
  };
  const dir = resultDir(outRoot, 'decision-cost', facts.hostname);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.md'), render(meta, rows));
  writeFileSync(join(dir, 'raw.json.gz'), gzipSync(JSON.stringify({ ...meta, rows })));
  process.stdout.write(`${join(dir, 'report.md')}\n`);
}

if (process.argv[2] === '--child') child(process.argv.slice(3));
else if (process.argv[2] === '--render') rerender(process.argv[3]);
else
  main(process.argv[2]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
