import { performance } from 'node:perf_hooks';
import type { ArrivalSpec } from '../scenario/scenario.interface';
import type { WorkloadSampler } from '../scenario/workload-classes';
import { poissonSchedule } from './poisson-arrivals';
import type { LoadRequest, RequestRecord, SendResult } from './request-record.interface';

export interface LoadRunOptions {
  arrival: ArrivalSpec;
  durationMs: number;
  sampler: WorkloadSampler;
  send: (request: LoadRequest) => Promise<SendResult>;
  /** Seeds the Poisson schedule. @defaultValue 1 */
  seed?: number;
  /** How long to wait for outstanding requests after the end. @defaultValue 30000 */
  drainMs?: number;
  /** Called about every 250 ms with the fraction of the duration elapsed and requests answered. */
  onProgress?: (fraction: number, answered: number) => void;
  /** Pause of a closed-loop client after an error, so refusals do not spin. @defaultValue 5 */
  errorBackoffMs?: number;
}

interface Fired {
  record: RequestRecord;
  done: Promise<void>;
}

/**
 * Drives one lane: closed loop (N clients back to back) or open loop (a Poisson schedule fixed
 * up front; each request fires at its intended time whatever is outstanding). Every record keeps
 * its intended send time, so queueing in the target, or a stall of this process, shows up as
 * latency instead of as fewer requests (coordinated omission).
 */
export async function runLoad(options: LoadRunOptions): Promise<RequestRecord[]> {
  const start = performance.now();
  const clock = () => performance.now() - start;
  const records: RequestRecord[] = [];
  const outstanding = new Set<Promise<void>>();
  let answered = 0;
  let seq = 0;

  const fire = (classIndex: number, intendedMs: number): Fired => {
    const cls = options.sampler.classes[classIndex];
    const record: RequestRecord = {
      seq: seq++,
      classIndex,
      model: cls.model,
      batchSize: cls.batchSize,
      intendedMs,
      sentMs: clock(),
      doneMs: NaN,
      latencyMs: NaN,
      ok: false,
    };
    records.push(record);
    const settle = (fields: Partial<RequestRecord>) => {
      if (!Number.isNaN(record.doneMs)) return; // already given up on
      Object.assign(record, fields);
      record.doneMs = clock();
      record.latencyMs = record.doneMs - record.intendedMs;
      answered++;
    };
    let promise: Promise<void>;
    try {
      promise = options.send({ seq: record.seq, classIndex, intendedMs }).then(
        (result) => settle({ ok: true, ...result }),
        (err: Error) => settle({ ok: false, error: err?.message ?? String(err) }),
      );
    } catch (err) {
      promise = Promise.resolve(settle({ ok: false, error: (err as Error).message }));
    }
    const tracked = promise.finally(() => outstanding.delete(tracked));
    outstanding.add(tracked);
    return { record, done: tracked };
  };

  const progress = options.onProgress
    ? setInterval(() => options.onProgress?.(Math.min(1, clock() / options.durationMs), answered), 250)
    : undefined;
  try {
    if (options.arrival.mode === 'closed') await closedLoop(options, clock, fire);
    else await openLoop(options, clock, fire);
    await drain(outstanding, options.drainMs ?? 30_000);
  } finally {
    if (progress) clearInterval(progress);
  }
  const stop = clock();
  for (const r of records) {
    if (Number.isNaN(r.doneMs))
      Object.assign(r, { doneMs: stop, latencyMs: stop - r.intendedMs, ok: false, unfinished: true, error: 'unfinished' });
  }
  options.onProgress?.(1, answered);
  return records;
}

async function closedLoop(
  options: LoadRunOptions,
  clock: () => number,
  fire: (classIndex: number, intendedMs: number) => Fired,
): Promise<void> {
  if (options.arrival.mode !== 'closed') return;
  const backoff = options.errorBackoffMs ?? 5;
  // a request that never answers must not hold its client past the lane's end plus the drain time
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<'late'>(
    (resolve) => (timer = setTimeout(() => resolve('late'), options.durationMs + (options.drainMs ?? 30_000))),
  );
  const client = async () => {
    while (clock() < options.durationMs) {
      const { record, done } = fire(options.sampler.next(), clock());
      if ((await Promise.race([done, giveUp])) === 'late') return;
      if (!record.ok && backoff > 0) await sleep(backoff);
    }
  };
  await Promise.all(Array.from({ length: options.arrival.clients }, client));
  clearTimeout(timer);
}

function openLoop(options: LoadRunOptions, clock: () => number, fire: (classIndex: number, intendedMs: number) => Fired): Promise<void> {
  if (options.arrival.mode !== 'open') return Promise.resolve();
  const schedule = poissonSchedule(options.arrival.ratePerSecond, options.durationMs, options.seed ?? 1);
  let i = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const now = clock();
      while (i < schedule.length && schedule[i] <= now) fire(options.sampler.next(), schedule[i++]);
      if (i < schedule.length) setTimeout(tick, Math.max(0, schedule[i] - clock()));
      else setTimeout(resolve, Math.max(0, options.durationMs - clock()));
    };
    tick();
  });
}

async function drain(outstanding: Set<Promise<void>>, drainMs: number): Promise<void> {
  if (outstanding.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)));
  await Promise.race([Promise.all([...outstanding]), timeout]);
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
