import { FieldReader } from './field-reader';
import type { ArrivalSpec, BaselineName, Scenario, SimSpec, WorkloadEntry } from './scenario.interface';

const BASELINES: readonly BaselineName[] = ['direct', 'single-device'];
const positive = (n: number) => n > 0;
const nonNegative = (n: number) => n >= 0;
const positiveInt = (n: number) => Number.isInteger(n) && n >= 1;

/**
 * Validates a parsed scenario document (snake_case keys, as written in bench/scenarios/) and
 * returns the typed Scenario. Every error is a ScenarioValidationError naming the field.
 */
export function parseScenario(doc: unknown, defaultName: string, file?: string): Scenario {
  const r = FieldReader.root(doc, file);
  r.onlyKeys([
    'name',
    'description',
    'duration_s',
    'warmup_s',
    'rounds',
    'policies',
    'baselines',
    'workload',
    'arrival',
    'app',
    'sim',
    'seed',
  ]);
  const durationS = r.number('duration_s', undefined, positive, 'a number of seconds > 0');
  const warmupS = r.number('warmup_s', 0, nonNegative, 'a number of seconds >= 0');
  if (warmupS >= durationS) r.fail('warmup_s', `must be shorter than duration_s (${durationS})`);
  const baselines = r.stringList('baselines', []);
  baselines.forEach((b, i) => {
    if (!BASELINES.includes(b as BaselineName)) r.fail(`baselines[${i}]`, `"${b}" is not a baseline (known: ${BASELINES.join(', ')})`);
  });
  return {
    name: r.has('name') ? r.string('name') : defaultName,
    description: r.has('description') ? r.string('description') : '',
    durationS,
    warmupS,
    rounds: r.number('rounds', 1, positiveInt, 'an integer >= 1'),
    policies: r.stringList('policies', ['adaptive', 'least-loaded', 'round-robin']),
    baselines: baselines as BaselineName[],
    workload: r.list('workload').map(parseWorkloadEntry),
    arrival: parseArrival(r.child('arrival')),
    app: parseApp(r),
    sim: parseSim(r),
    seed: r.number('seed', 1, positiveInt, 'an integer >= 1'),
  };
}

function parseWorkloadEntry(w: FieldReader): WorkloadEntry {
  w.onlyKeys(['model', 'share', 'batch', 'priority', 'timeout_ms']);
  const entry: WorkloadEntry = {
    model: w.string('model'),
    share: w.number('share', 1, positive, 'a number > 0'),
    batch: parseBatch(w),
  };
  const priority = w.optionalNumber('priority', (n) => Number.isInteger(n) && n >= 0, 'an integer >= 0');
  if (priority !== undefined) entry.priority = priority;
  const timeoutMs = w.optionalNumber('timeout_ms', positive, 'a number of ms > 0');
  if (timeoutMs !== undefined) entry.timeoutMs = timeoutMs;
  return entry;
}

/** `batch: 4`, `batch: [1, 2, 4]` (uniform) or `batch: {1: 0.7, 8: 0.3}`; 1 when absent. */
function parseBatch(w: FieldReader): Record<number, number> {
  const v = w.raw('batch') ?? 1;
  const sizes: [number, number][] =
    typeof v === 'number'
      ? [[v, 1]]
      : Array.isArray(v)
        ? v.map((b) => [b as number, 1])
        : typeof v === 'object' && v !== null
          ? Object.entries(v).map(([k, p]) => [Number(k), p as number])
          : [];
  if (sizes.length === 0) w.fail('batch', 'must be a batch size, a list of sizes or a mapping size -> probability');
  for (const [size, p] of sizes) {
    if (!positiveInt(size)) w.fail('batch', `batch size ${JSON.stringify(size)} is not an integer >= 1`);
    if (typeof p !== 'number' || !(p > 0)) w.fail('batch', `probability of batch ${size} must be a number > 0`);
  }
  return Object.fromEntries(sizes);
}

function parseArrival(a: FieldReader): ArrivalSpec {
  const mode = a.string('mode');
  if (mode === 'closed') {
    a.onlyKeys(['mode', 'clients']);
    return { mode, clients: a.number('clients', undefined, positiveInt, 'an integer >= 1') };
  }
  if (mode === 'open') {
    a.onlyKeys(['mode', 'rate_per_s']);
    return { mode, ratePerSecond: a.number('rate_per_s', undefined, positive, 'a rate > 0 (requests per second)') };
  }
  return a.fail('mode', `must be "closed" or "open", got ${JSON.stringify(mode)}`);
}

function parseApp(r: FieldReader): Record<string, string | number | boolean> {
  if (!r.has('app')) return {};
  const app = r.child('app');
  for (const [key, value] of app.entries()) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) app.fail(key, 'must be a string, number or boolean');
  }
  return Object.fromEntries(app.entries()) as Record<string, string | number | boolean>;
}

function parseSim(r: FieldReader): SimSpec {
  const defaults: SimSpec = { profile: 'host', durationS: 60, noise: 0.05, capacity: {}, batching: true };
  if (!r.has('sim')) return defaults;
  const s = r.child('sim');
  s.onlyKeys(['profile', 'duration_s', 'noise', 'capacity', 'batching', 'scale']);
  const capacity: Record<string, number> = {};
  if (s.has('capacity')) {
    const c = s.child('capacity');
    for (const [key] of c.entries()) capacity[key] = c.number(key, undefined, positiveInt, 'an integer >= 1');
  }
  const spec: SimSpec = {
    profile: s.has('profile') ? s.string('profile') : defaults.profile,
    durationS: s.number('duration_s', defaults.durationS, positive, 'a number of seconds > 0'),
    noise: s.number('noise', defaults.noise, nonNegative, 'a log-sigma >= 0'),
    capacity,
    batching: s.boolean('batching', defaults.batching),
  };
  if (s.has('scale')) {
    const sc = s.child('scale');
    sc.onlyKeys(['devices', 'loads', 'policies']);
    spec.scale = {
      devices: sc.numberList('devices', positiveInt, '(integers >= 1)'),
      loads: sc.numberList('loads', positive, '(fractions of capacity > 0)'),
      ...(sc.has('policies') ? { policies: sc.stringList('policies', []) } : {}),
    };
  }
  return spec;
}
