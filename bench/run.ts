import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { withTimeout } from '@switchyard/common';
import { BenchArgsError, parseBenchArgs, USAGE, type BenchArgs } from './cli/bench-args';
import { splitRounds } from './fit/round-split';
import { ProgressBar } from './report/progress-bar';
import { writeReport } from './report/write-report';
import { hostFacts, resultDir } from './runner/host-facts';
import { runRealBenchmark } from './runner/real-run';
import { runSimBenchmark } from './runner/sim-run';
import { loadScenarioFile } from './scenario/load-scenario-file';
import { ScenarioValidationError } from './scenario/scenario-validation.error';
import type { Scenario } from './scenario/scenario.interface';
import { workloadClasses } from './scenario/workload-classes';
import { POLICY_REGISTRY } from './sim/sim-lanes';
import { HttpTarget } from './targets/http.target';
import { InprocTarget } from './targets/inproc.target';
import type { RealTarget } from './targets/real-target.interface';

/** The compiled tree this file runs from (dist/ or .build/<name>/). */
const DIST_ROOT = resolve(__dirname, '..');

/**
 * node dist/bench/run.js <scenario> [--target inproc|http|sim|direct] [--policies a,b] [--duration s] ...
 * Runs the scenario against every listed policy and writes bench/results/<scenario>/<date-host>/.
 */
async function main(argv: string[]): Promise<void> {
  const args = parseBenchArgs(argv);
  const scenario = withOverrides(loadScenarioFile(args.scenarioFile), args);
  const classes = workloadClasses(scenario.workload);
  const command = `node dist/bench/run.js ${argv.join(' ')}`;
  const progress = new ProgressBar();
  if (args.target === 'sim') {
    const report = runSimBenchmark({
      scenario,
      classes,
      profile: args.profile ?? scenario.sim.profile,
      profilesDir: 'profiles',
      command,
      scale: args.scale,
      progress,
    });
    const dir = resultDir(args.outRoot, scenario.name, `sim-${report.profile?.name.replace(/^calibration /, 'host-') ?? 'profile'}`);
    finish(dir, writeReport(dir, report));
    return;
  }
  const label = args.target === 'inproc' ? hostFacts().hostname : `${hostFacts().hostname}-${args.target}`;
  const dir = resultDir(args.outRoot, scenario.name, label);
  const target = await startTarget(args, scenario);
  try {
    const report = await runRealBenchmark({
      target,
      scenario,
      classes,
      dir,
      command,
      compareSim: args.compareSim,
      fitRounds: args.fitRounds,
      progress,
    });
    finish(dir, writeReport(dir, report));
  } finally {
    const late = new Error('the target did not close within 30 s');
    await withTimeout(target.close(), 30_000, () => late).catch((err: unknown) => {
      if (err !== late) throw err;
      progress.message(`${late.message}; exiting anyway`);
    });
  }
}

function withOverrides(scenario: Scenario, args: BenchArgs): Scenario {
  const s: Scenario = { ...scenario, sim: { ...scenario.sim } };
  if (args.policies) s.policies = args.policies;
  if (args.rounds !== undefined) s.rounds = args.rounds;
  if (args.baselines) {
    args.baselines.forEach((b, i) => {
      if (b !== 'direct' && b !== 'single-device')
        throw new ScenarioValidationError(`baselines[${i}]`, `"${b}" is not a baseline (known: direct, single-device)`);
    });
    s.baselines = args.baselines as Scenario['baselines'];
  }
  if (args.fitRounds) {
    try {
      splitRounds(s.rounds, args.fitRounds);
    } catch (err) {
      throw new BenchArgsError(`--fit-rounds: ${(err as Error).message}`);
    }
  }
  if (args.durationS !== undefined) {
    if (args.target === 'sim') s.sim.durationS = args.durationS;
    else {
      s.warmupS = Math.min(s.warmupS, args.durationS / 4);
      s.durationS = args.durationS;
    }
  }
  s.policies.forEach((p, i) => {
    if (!POLICY_REGISTRY.has(p))
      throw new ScenarioValidationError(
        `policies[${i}]`,
        `"${p}" is not a registered policy (known: ${POLICY_REGISTRY.names().join(', ')})`,
      );
  });
  return s;
}

async function startTarget(args: BenchArgs, scenario: Scenario): Promise<RealTarget> {
  const models = [...new Set(scenario.workload.map((w) => w.model))];
  if (args.target === 'http') {
    const clients = scenario.arrival.mode === 'closed' ? scenario.arrival.clients : 256;
    return HttpTarget.start({ url: args.url, distRoot: DIST_ROOT, app: scenario.app, maxSockets: clients }, models);
  }
  return InprocTarget.start({ ...scenario.app, MODELS: models.join(',') }, args.target === 'direct' ? 'direct' : 'inproc');
}

function finish(dir: string, files: string[]): void {
  process.stderr.write(`report: ${join(dir, 'report.md')} (${files.length} files)\n`);
  process.stdout.write(`${join(dir, 'report.md')}\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof BenchArgsError || err instanceof ScenarioValidationError) {
      process.stderr.write(`${err.message}\n`);
      if (err instanceof BenchArgsError && !err.message.includes('usage')) process.stderr.write(`${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
