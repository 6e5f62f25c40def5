import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { withTimeout } from '@switchyard/common';
import Redis from 'ioredis';
import { emptySamples, LATENCIES_KEPT } from '../analysis/version-samples';
import type { AccuracyTally, RolloutMeasurements, SampleBatch, VersionSamples } from '../interfaces/rollout-samples.interface';
import type { RolloutState } from '../interfaces/rollout-state.interface';
import type { RolloutStore } from '../interfaces/rollout-store.interface';

/** How long a node may hold a model's lock before it expires (a node that died holding it). */
const LOCK_TTL_MS = 15_000;
/** Longest wait for one Redis call. */
const COMMAND_TIMEOUT_MS = 2000;
/** Longest wait for QUIT at shutdown. */
const CLOSE_WAIT_MS = 2000;
/** Measurements of a rollout are dropped this long after its last sample. */
const MEASUREMENTS_TTL_S = 30 * 24 * 3600;

// Compare-and-set of one rollout (KEYS: the rollouts hash, the change channel; ARGV: model,
// expected revision, new state JSON), publishing the model on success.
const CAS_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local revision = 0
if current then revision = tonumber(cjson.decode(current).revision) or 0 end
if revision ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('PUBLISH', KEYS[2], ARGV[1])
return 1`;

// Reads and empties windows (KEYS: counts hash, latency list, per version).
const TAKE_SCRIPT = `
local out = {}
for i = 1, #KEYS, 2 do
  out[#out + 1] = { redis.call('HMGET', KEYS[i], 'requests', 'errors'), redis.call('LRANGE', KEYS[i + 1], 0, -1) }
  redis.call('DEL', KEYS[i], KEYS[i + 1])
end
return out`;

const UNLOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Rollouts in Redis (SWITCHYARD_REDIS_URL, keys under SWITCHYARD_JOBS_PREFIX like the jobs), shared
 * by every node: states in one hash (compare-and-set on their revision, each change published),
 * a lock per model for decisions, and the measurements every node adds (window and totals per
 * version: counts and the newest latencies; feedback and shadow tallies).
 */
export class RedisRolloutStore implements RolloutStore {
  readonly shared = true;
  private readonly logger = new Logger(RedisRolloutStore.name);
  private readonly redis: Redis;
  private subscriber?: Redis;
  private readonly listeners = new Set<(model: string) => void>();

  constructor(
    private readonly url: string,
    private readonly prefix: string,
  ) {
    // a Redis that is down or hangs fails calls within seconds (the API answers 503, routing goes on)
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, commandTimeout: COMMAND_TIMEOUT_MS });
    // the service reports failed calls (rate-limited); ioredis reconnects by itself
    this.redis.on('error', () => undefined);
  }

  get location(): string {
    return `${this.url.replace(/\/\/[^@/]*@/, '//***@')} (${this.statesKey})`;
  }

  private get statesKey(): string {
    return `${this.prefix}:rollouts`;
  }

  private get channel(): string {
    return `${this.prefix}:rollouts:changed`;
  }

  private key(id: string, part: string): string {
    return `${this.prefix}:rollout:{${id}}:${part}`;
  }

  async list(): Promise<RolloutState[]> {
    const all = await this.redis.hvals(this.statesKey);
    return all.map((text) => JSON.parse(text) as RolloutState);
  }

  async get(model: string): Promise<RolloutState | undefined> {
    const text = await this.redis.hget(this.statesKey, model);
    return text === null ? undefined : (JSON.parse(text) as RolloutState);
  }

  async compareAndSet(state: RolloutState, expected: number): Promise<boolean> {
    const done = await this.redis.eval(CAS_SCRIPT, 2, this.statesKey, this.channel, state.spec.model, expected, JSON.stringify(state));
    return done === 1;
  }

  async withLock<T>(model: string, waitMs: number, fn: () => Promise<T>): Promise<T | undefined> {
    const key = `${this.statesKey}:lock:${model}`;
    const token = randomUUID();
    const until = Date.now() + waitMs;
    while ((await this.redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
      if (Date.now() >= until) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(UNLOCK_SCRIPT, 1, key, token).catch((err: Error) => this.logger.warn(`unlock ${key}: ${err.message}`));
    }
  }

  watch(listener: (model: string) => void): () => void {
    this.listeners.add(listener);
    if (!this.subscriber) {
      const sub = (this.subscriber = this.redis.duplicate());
      sub.on('error', () => undefined); // reconnects and resubscribes by itself; the 1 s resync covers the gap
      sub.on('message', (_channel: string, model: string) => this.listeners.forEach((l) => l(model)));
      sub.subscribe(this.channel).catch((err: Error) => this.logger.warn(`subscribe ${this.channel}: ${err.message}`));
    }
    return () => this.listeners.delete(listener);
  }

  async addSamples(id: string, batch: SampleBatch): Promise<void> {
    const tx = this.redis.multi();
    const touched = new Set<string>();
    for (const [v, s] of Object.entries(batch.versions)) {
      if (s.requests === 0) continue;
      for (const part of ['window', 'total']) {
        const counts = this.key(id, `${part}:${v}`);
        const latencies = this.key(id, `${part}-ms:${v}`);
        tx.hincrby(counts, 'requests', s.requests).hincrby(counts, 'errors', s.errors);
        if (s.latenciesMs.length) tx.rpush(latencies, ...s.latenciesMs.map(String)).ltrim(latencies, -LATENCIES_KEPT, -1);
        touched.add(counts).add(latencies);
      }
    }
    const tallies = this.key(id, 'tallies');
    for (const [v, t] of Object.entries(batch.accuracy))
      tx.hincrby(tallies, `judged:${v}`, t.judged).hincrby(tallies, `correct:${v}`, t.correct);
    if (batch.shadow.compared) tx.hincrby(tallies, 'compared', batch.shadow.compared).hincrby(tallies, 'agreed', batch.shadow.agreed);
    touched.add(tallies);
    for (const key of touched) tx.expire(key, MEASUREMENTS_TTL_S);
    await tx.exec();
  }

  async takeWindow(id: string, versions: readonly string[]): Promise<Record<string, VersionSamples>> {
    const keys = versions.flatMap((v) => [this.key(id, `window:${v}`), this.key(id, `window-ms:${v}`)]);
    const taken = (await this.redis.eval(TAKE_SCRIPT, keys.length, ...keys)) as [(string | null)[], string[]][];
    return Object.fromEntries(versions.map((v, i) => [v, samplesOf(taken[i][0], taken[i][1])]));
  }

  async restoreWindow(id: string, window: Record<string, VersionSamples>): Promise<void> {
    const tx = this.redis.multi();
    for (const [v, s] of Object.entries(window)) {
      if (s.requests === 0) continue;
      const counts = this.key(id, `window:${v}`);
      const latencies = this.key(id, `window-ms:${v}`);
      tx.hincrby(counts, 'requests', s.requests).hincrby(counts, 'errors', s.errors).expire(counts, MEASUREMENTS_TTL_S);
      // the taken ones are older than any added since: they go in front
      if (s.latenciesMs.length)
        tx.lpush(latencies, ...s.latenciesMs.map(String).reverse())
          .ltrim(latencies, -LATENCIES_KEPT, -1)
          .expire(latencies, MEASUREMENTS_TTL_S);
    }
    await tx.exec();
  }

  async measurements(id: string, versions: readonly string[]): Promise<RolloutMeasurements> {
    const tx = this.redis.multi();
    for (const v of versions) tx.hmget(this.key(id, `total:${v}`), 'requests', 'errors').lrange(this.key(id, `total-ms:${v}`), 0, -1);
    tx.hgetall(this.key(id, 'tallies'));
    const replies = ((await tx.exec()) ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const totals: Record<string, VersionSamples> = {};
    versions.forEach((v, i) => (totals[v] = samplesOf(replies[2 * i] as (string | null)[], replies[2 * i + 1] as string[])));
    const tallies = replies[replies.length - 1] as Record<string, string>;
    const accuracy: Record<string, AccuracyTally> = {};
    for (const [field, value] of Object.entries(tallies)) {
      const [kind, v] = field.split(':');
      if (kind !== 'judged' && kind !== 'correct') continue;
      (accuracy[v] ??= { judged: 0, correct: 0 })[kind] = Number(value);
    }
    return { totals, accuracy, shadow: { compared: Number(tallies.compared ?? 0), agreed: Number(tallies.agreed ?? 0) } };
  }

  /** Quits politely, but never waits more than CLOSE_WAIT_MS on a Redis that is gone. */
  async close(): Promise<void> {
    this.listeners.clear();
    const clients = [this.redis, ...(this.subscriber ? [this.subscriber] : [])];
    await withTimeout(Promise.allSettled(clients.map((c) => c.quit())), CLOSE_WAIT_MS).catch(() => undefined);
    clients.forEach((c) => c.disconnect());
  }
}

function samplesOf(counts: (string | null)[], latencies: string[]): VersionSamples {
  if (counts[0] === null) return emptySamples();
  return { requests: Number(counts[0]), errors: Number(counts[1] ?? 0), latenciesMs: latencies.map(Number) };
}
