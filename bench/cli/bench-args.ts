export type TargetName = 'inproc' | 'http' | 'sim' | 'direct';

export interface BenchArgs {
  scenarioFile: string;
  target: TargetName;
  policies?: string[];
  /** Baselines to run instead of the scenario's ([] for none). */
  baselines?: string[];
  /** Seconds per lane (real targets) or simulated seconds per lane (sim). */
  durationS?: number;
  rounds?: number;
  /** Real targets: fit the twin's host model on these rounds (from 1) and compare it with the others. */
  fitRounds?: number[];
  profile?: string;
  url?: string;
  outRoot: string;
  /** Real targets: also run the scenario in the simulator on this host's profile and compare. */
  compareSim: boolean;
  /** Sim target: run the scale study when the scenario has one. */
  scale: boolean;
}

export const USAGE = `usage: node dist/bench/run.js <scenario.yaml|json> [options]
  --target inproc|http|sim|direct   where the load goes (default inproc)
  --policies a,b                    policies to compare (default: the scenario's)
  --baselines a,b|none             baselines instead of the scenario's (direct, single-device)
  --rounds N                        run every lane N times (odd rounds in reverse order), pooled
  --fit-rounds 1,2                  inproc/direct: fit the twin's host model on these rounds only and
                                    compare it with the other rounds (out of sample)
  --duration S                      seconds per lane (sim: simulated seconds per lane)
  --profile FILE|host               sim device model: a bench profile or a calibration profile
  --url URL                         http: an already running server (default: spawn one)
  --out DIR                         results root (default bench/results)
  --no-compare-sim                  real targets: skip the simulated twin of the run
  --no-scale                        sim: skip the scale study`;

/** A command-line problem; the message names the flag. */
export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError';
}

const TARGETS: readonly TargetName[] = ['inproc', 'http', 'sim', 'direct'];

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { scenarioFile: '', target: 'inproc', outRoot: 'bench/results', compareSim: true, scale: true };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new BenchArgsError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--target': {
        const t = value(i++, a);
        if (!TARGETS.includes(t as TargetName)) throw new BenchArgsError(`--target must be one of ${TARGETS.join(', ')}, got "${t}"`);
        args.target = t as TargetName;
        break;
      }
      case '--policies':
        args.policies = value(i++, a)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (args.policies.length === 0) throw new BenchArgsError('--policies needs at least one policy name');
        break;
      case '--baselines': {
        const v = value(i++, a);
        args.baselines =
          v === 'none'
            ? []
            : v
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean);
        break;
      }
      case '--rounds': {
        const n = Number(value(i++, a));
        if (!(Number.isInteger(n) && n >= 1)) throw new BenchArgsError('--rounds must be an integer >= 1');
        args.rounds = n;
        break;
      }
      case '--fit-rounds': {
        const rounds = value(i++, a)
          .split(',')
          .map((x) => Number(x.trim()));
        if (!rounds.every((r) => Number.isInteger(r) && r >= 1))
          throw new BenchArgsError('--fit-rounds must list round numbers >= 1, e.g. 1,2');
        args.fitRounds = rounds;
        break;
      }
      case '--duration': {
        const d = Number(value(i++, a));
        if (!(d > 0)) throw new BenchArgsError(`--duration must be a number of seconds > 0`);
        args.durationS = d;
        break;
      }
      case '--profile':
        args.profile = value(i++, a);
        break;
      case '--url':
        args.url = value(i++, a);
        break;
      case '--out':
        args.outRoot = value(i++, a);
        break;
      case '--no-compare-sim':
        args.compareSim = false;
        break;
      case '--no-scale':
        args.scale = false;
        break;
      default:
        if (a.startsWith('--')) throw new BenchArgsError(`unknown option ${a}\n${USAGE}`);
        if (args.scenarioFile) throw new BenchArgsError(`one scenario file at a time (got ${args.scenarioFile} and ${a})`);
        args.scenarioFile = a;
    }
  }
  if (!args.scenarioFile) throw new BenchArgsError(`a scenario file is required\n${USAGE}`);
  if (args.fitRounds && (args.target === 'sim' || args.target === 'http' || !args.compareSim))
    throw new BenchArgsError(
      '--fit-rounds needs an in-process real target and the simulated twin (not --target sim or http, not --no-compare-sim)',
    );
  return args;
}
