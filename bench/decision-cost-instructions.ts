/**
 * The whole placement decision (snapshots of every device + filter + policy, as in
 * decision-cost-e2e) counted in machine instructions under valgrind's callgrind: a measure that
 * the host's load does not move (the CPU time of a shared host does). Each configuration runs in
 * two child processes, `node --single-threaded` (no background compiler or GC threads whose work
 * would land in the count at random), both warmed up alike, one making N decisions after the
 * warm-up and one 2N; instructions per decision = (count(2N) - count(N)) / N, so start-up,
 * set-up and warm-up cancel out. The same children also run natively to time them (CPU time per
 * decision, median and minimum over rounds), which gives this host's ns per instruction.
 *
 *   npm run build && node dist/bench/decision-cost-instructions.js [out-root]
 *
 * Writes bench/results/decision-cost/<date>-<host>/report.md and raw.json.gz.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_POLICY_FACTORIES, PolicyRegistry, SchedulingFramework } from '@switchyard/scheduler';
import { decisionBench } from './decision-cost/end-to-end-decision';
import { hostFacts, resultDir } from './runner/host-facts';
import { percentileOfSorted } from './stats/percentile';

const TARGET_NS = 20_000;
const N = 1000;
/** Decisions (whole, then policy alone) before counting starts: the JIT has optimized the path long before. */
const WARM_UP = 2000;
/** The target shape with every production policy, and adaptive with an estimator update per decision (each count takes minutes under valgrind). */
const CONFIGS = [
  ...['adaptive', 'adaptive-cost-blind', 'least-loaded', 'round-robin'].map((policy) => ({
    devices: 64,
    queuedJobs: 1000,
    observesPerDecision: 0,
    policy,
    policyAlone: policy === 'adaptive',
  })),
  { devices: 64, queuedJobs: 1000, observesPerDecision: 1, policy: 'adaptive', policyAlone: false },
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
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const med = (xs: number[]) => percentileOfSorted(sorted(xs), 0.5);
  // ns per instruction on this host: the least disturbed rounds over the instructions they ran
  const nsPerIr = med(rows.filter((r) => r.devices === 64).map((r) => Math.min(...r.cpuNsByRound) / r.irPerDecision));
  const us = (ns: number) => (ns / 1000).toFixed(2);
  const k = (ir: number) => `${(ir / 1000).toFixed(1)}k`;
  const target = rows.filter((r) => r.devices === 64 && r.queuedJobs === 1000);
  const worst = target.reduce((a, b) => (b.irPerDecision > a.irPerDecision ? b : a));
  const command = 'npm run build && node dist/bench/decision-cost-instructions.js';
  const report = [
    '# Scheduling decision cost, end to end, in instructions',
    '',
    `${new Date().toISOString().slice(0, 10)} on \`${facts.hostname}\`: ${facts.cpuModel} (${facts.cores} cores, shared by several engineers), Node ${facts.node}, ${valgrind};`,
    `load average ${load0.join(' / ')} at the start, ${(facts.loadAverage ?? []).join(' / ')} at the end; ${Math.round((Date.now() - started) / 1000)} s.`,
    '',
    `Command: \`${command}\`. What one decision is: the same as \`decision-cost-e2e\` (a DeviceSnapshot of every device from its`,
    'real DeviceDispatcher, the canRun filter, `SchedulingFramework.schedule()` with the production policy; queued jobs held in front',
    'of pools whose tasks never finish; the clock moves and the job varies between decisions; "observes/decision" estimator updates',
    "invalidate every queue's cached queued work).",
    '',
    "**Method (independent of the host's load):** each configuration runs under `valgrind --tool=callgrind` in two child processes",
    `(\`node --single-threaded\`: no background compiler or GC threads), both set up and warmed up alike (${WARM_UP.toLocaleString('en')} decisions), then ${N.toLocaleString('en')}`,
    `and ${(2 * N).toLocaleString('en')} decisions: instructions per decision = (count(${2 * N}) - count(${N})) / ${N}, so start-up, set-up and warm-up cancel.`,
    'The count is deterministic to within a fraction of a percent from run to run, whatever else the host runs. Time is then',
    `instructions x this host's ns per instruction (${nsPerIr.toFixed(3)} ns, the median over the 64-device rows of the least disturbed round's`,
    `native CPU time over its instructions; ${NATIVE_ROUNDS} native rounds of ${ROUND} decisions each, in a child process without valgrind).`,
    '',
    `**Result:** 64 devices, 1,000 queued jobs: at most ${k(worst.irPerDecision)} instructions per decision (${worst.policy}, ${worst.observesPerDecision} observe/decision),`,
    `${us(worst.irPerDecision * nsPerIr)} us at this host's ns per instruction: ${worst.irPerDecision * nsPerIr < TARGET_NS ? 'meets' : 'MISSES'} the target of < 20 us.`,
    '',
    "| devices | queued jobs | observes/decision | policy | instructions/decision | policy alone | snapshots + filter | us at this host's ns/instruction | native CPU us, median round | native CPU us, best round |",
    '| ---: | ---: | ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.devices} | ${r.queuedJobs.toLocaleString('en')} | ${r.observesPerDecision} | ${r.policy} | ${k(r.irPerDecision)} | ${r.policyIrPerDecision === undefined ? '' : k(r.policyIrPerDecision)} | ${r.policyIrPerDecision === undefined ? '' : k(r.irPerDecision - r.policyIrPerDecision)} | ${us(r.irPerDecision * nsPerIr)} | ${us(med(r.cpuNsByRound))} | ${us(Math.min(...r.cpuNsByRound))} |`,
    ),
    '',
    'Raw data (`raw.json.gz`): the callgrind counts of each child and every native round.',
    '',
  ].join('\n');
  const dir = resultDir(outRoot, 'decision-cost', facts.hostname);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.md'), report);
  writeFileSync(join(dir, 'raw.json.gz'), gzipSync(JSON.stringify({ host: facts, valgrind, n: N, nsPerInstruction: nsPerIr, rows })));
  process.stdout.write(`${join(dir, 'report.md')}\n`);
}

if (process.argv[2] === '--child') child(process.argv.slice(3));
else
  main(process.argv[2]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
