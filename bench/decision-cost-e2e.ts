/**
 * The whole placement decision (a script): snapshot of every device from its dispatcher +
 * filter + the production framework and policies, with 64 devices and 1,000 queued jobs, as
 * SchedulerService makes it, each decision timed alone. Target: < 20 us median at 64 devices and
 * 1,000 queued jobs.
 *
 *   npm run build && node dist/bench/decision-cost-e2e.js [out-root]
 *
 * Writes bench/results/decision-cost-e2e/<date>-<host>/report.md and raw.json.gz (every timed decision and round).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_POLICY_FACTORIES, PolicyRegistry, SchedulingFramework } from '@switchyard/scheduler';
import { measureEndToEnd, type EndToEndRow } from './decision-cost/end-to-end-decision';
import { hostFacts, resultDir } from './runner/host-facts';

const TARGET_NS = 20_000;
const SHAPES = [
  { devices: 2, queuedJobs: 0, observesPerDecision: 0 },
  { devices: 64, queuedJobs: 1000, observesPerDecision: 0 },
  { devices: 64, queuedJobs: 1000, observesPerDecision: 1 },
  { devices: 64, queuedJobs: 1000, observesPerDecision: 1, queueChangesPerDecision: 1 },
  { devices: 64, queuedJobs: 10_000, observesPerDecision: 0 },
];
const POLICIES = ['adaptive', 'adaptive-cost-blind', 'least-loaded', 'round-robin'];
const DECISIONS = 20_000;

function main(outRoot = 'bench/results'): void {
  const registry = new PolicyRegistry(DEFAULT_POLICY_FACTORIES);
  const framework = new SchedulingFramework();
  const load0 = hostFacts().loadAverage ?? [];
  const rows: EndToEndRow[] = [];
  for (const shape of SHAPES) {
    for (const name of POLICIES) {
      const row = measureEndToEnd(framework, registry.get(name), { ...shape, decisions: DECISIONS });
      rows.push(row);
      process.stdout.write(
        `${shape.devices} devices ${shape.queuedJobs} queued obs ${shape.observesPerDecision} queue changes ${shape.queueChangesPerDecision ?? 0} ${name}: median ${(row.medianNs / 1000).toFixed(2)} us\n`,
      );
    }
  }
  const us = (ns: number) => (ns / 1000).toFixed(2);
  const target = rows.filter((r) => r.devices === 64 && r.queuedJobs === 1000);
  const worst = target.reduce((a, b) => (b.medianNs > a.medianNs ? b : a));
  const facts = hostFacts();
  const report = [
    '# Scheduling decision cost, end to end',
    '',
    `${new Date().toISOString().slice(0, 10)} on \`${facts.hostname}\`: ${facts.cpuModel} (${facts.cores} cores, shared by several engineers), Node ${facts.node};`,
    `load average ${load0.join(' / ')} at the start, ${(hostFacts().loadAverage ?? []).join(' / ')} at the end.`,
    '',
    'What is timed, per decision: a DeviceSnapshot of every device from its real DeviceDispatcher (`deviceSnapshot()`, which',
    "SchedulerService calls: `deviceLoad()` over the running batches and the per-model queues' running sums, never a walk over queued",
    "jobs; a device's queued part is kept until its queues or its estimates change), the canRun filter, and",
    '`SchedulingFramework.schedule()` with the production policy. The dispatchers hold their queued jobs in front of pools whose',
    'tasks never finish (`HeldPool`), so queues stay at the stated size. Between decisions the clock moves (running work changes)',
    'and the job varies (3 models, batch 1/2/8). "observes/decision" is how many estimator updates (completions) happen between two',
    'decisions: each one changes one device\'s estimates, so its cached load is recomputed; "queue changes/decision" how many jobs',
    "join a queue, and as many leave one (a client gone), between two decisions: each changes one device's queues (production's",
    'steady state is about 1 and 1: a placed job is queued, a batch leaves for its run and a run completes between two decisions).',
    `After a 5,000-decision warm-up, ${DECISIONS.toLocaleString('en')} decisions, each timed alone by \`process.hrtime.bigint()\` (the changes`,
    'between decisions untimed; two back-to-back clock reads cost the "timer" column, included in every decision): median, p90 and',
    "p99 of those. Also this process's CPU time (user + system) per decision in rounds of 1,000, median over the rounds: it includes",
    'the changes between decisions and the clock reads. Raw per-decision and per-round data: `raw.json.gz`.',
    '',
    `**Result:** 64 devices, 1,000 queued jobs: slowest median ${us(worst.medianNs)} us per decision (${worst.policy}, ${worst.observesPerDecision} observe and ${worst.queueChangesPerDecision ?? 0} queue change/decision): ${worst.medianNs < TARGET_NS ? 'meets' : 'MISSES'} the target of < 20 us on this host at its load.`,
    '',
    '| devices | queued jobs | observes/decision | queue changes/decision | policy | median us | p90 us | p99 us | timer us | CPU us per decision, rounds (with the changes) | policy only, CPU us | median / policy only |',
    '| ---: | ---: | ---: | ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.devices} | ${r.queuedJobs.toLocaleString('en')} | ${r.observesPerDecision} | ${r.queueChangesPerDecision ?? 0} | ${r.policy} | ${us(r.medianNs)} | ${us(r.p90Ns)} | ${us(r.p99Ns)} | ${us(r.timerMedianNs)} | ${us(r.cpuMedianNs)} | ${us(r.policyOnlyMedianNs)} | ${r.ratio.toFixed(1)}x |`,
    ),
    '',
    '"policy only" runs the same decisions on snapshots built once (the framework and policy alone), in rounds interleaved with the',
    "whole decision; the last column is what building the snapshots multiplies a decision's cost by.",
    '',
    'Reproduce: `npm run build && node dist/bench/decision-cost-e2e.js`.',
    '',
  ].join('\n');
  const dir = resultDir(outRoot, 'decision-cost-e2e', facts.hostname);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.md'), report);
  writeFileSync(join(dir, 'raw.json.gz'), gzipSync(JSON.stringify({ host: facts, rows })));
  process.stdout.write(`${join(dir, 'report.md')}\n`);
}

main(process.argv[2]);
