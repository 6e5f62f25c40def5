import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SqliteJobsDatabase, RedisServer } from '@switchyard/jobs/testing';
import { describeWithRedis } from './requirements';

/** The two job stores every jobs e2e conformance spec runs on. */
export type StoreKind = 'sqlite' | 'redis';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'redis'];

/**
 * A store for one spec: the real redis-server, or a fresh SQLite data folder. `options` are the
 * SWITCHYARD_* overrides (without the prefix) that point a node at it.
 */
export interface StoreHarness {
  readonly kind: StoreKind;
  start(): Promise<void>;
  stop(): Promise<void>;
  options(): Record<string, string>;
  /** Rows or keys the store holds (to show that a refused submission wrote nothing). */
  size(app: NestFastifyApplication): Promise<number>;
  /** Jobs left marked as running, read after the node closed. */
  leftRunning(): Promise<number>;
  /** The real redis-server behind a Redis store (tests that slow it down or read its keys). */
  readonly redis?: RedisServer;
}

export function storeHarness(kind: StoreKind): StoreHarness {
  return kind === 'redis' ? redisHarness() : sqliteHarness();
}

function redisHarness(): StoreHarness {
  const redis = new RedisServer();
  return {
    kind: 'redis',
    redis,
    start: async () => void (await redis.start()),
    stop: () => redis.stop(),
    options: () => ({ REDIS_URL: redis.url }),
    size: async () => Number(await redis.cli('DBSIZE').then((s) => s.replace(/\D/g, ''))),
    leftRunning: async () => Number((await redis.cli('LLEN', 'switchyard:infer:active')).replace(/\D/g, '')),
  };
}

function sqliteHarness(): StoreHarness {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-jobs-store-'));
  const count = (db: SqliteJobsDatabase, sql: string): number => db.db.prepare(sql).pluck().get() as number;
  return {
    kind: 'sqlite',
    start: async () => undefined,
    stop: async () => undefined,
    options: () => ({ DATA_DIR: dataDir }),
    size: async (app) =>
      count(
        app.get(SqliteJobsDatabase),
        'SELECT (SELECT COUNT(*) FROM jobs) + (SELECT COUNT(*) FROM outcomes) + (SELECT COUNT(*) FROM idempotency_keys)',
      ),
    leftRunning: async () => {
      const db = new SqliteJobsDatabase(dataDir);
      try {
        return count(db, "SELECT COUNT(*) FROM jobs WHERE state = 'active'");
      } finally {
        db.close();
      }
    },
  };
}

/**
 * One suite per store (the conformance pattern at the API): `fn` runs on the embedded SQLite store
 * and on Redis; the Redis one is skipped through the runner when redis-server is missing (unless
 * REQUIRE_REDIS=1).
 */
export function describeEachStore(title: (kind: StoreKind) => string, fn: (kind: StoreKind) => void): void {
  for (const kind of STORE_KINDS) {
    if (kind === 'redis') describeWithRedis(title(kind), () => fn(kind));
    else describe(title(kind), () => fn(kind));
  }
}
