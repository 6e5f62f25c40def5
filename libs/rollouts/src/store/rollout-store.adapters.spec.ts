import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServer } from '@switchyard/jobs/testing';
import { describeWithRedis } from '../../../../test/support/requirements';
import { describeRolloutStoreConformance } from '../testing/rollout-store.conformance';
import { FileRolloutStore } from './file-rollout-store.adapter';
import { RedisRolloutStore } from './redis-rollout-store.adapter';

describeRolloutStoreConformance('the file store (SWITCHYARD_DATA_DIR/rollouts.json)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-rollout-store-'));
  return { a: new FileRolloutStore(dir), open: () => new FileRolloutStore(dir) };
});

describeWithRedis('RedisRolloutStore (a real redis-server)', () => {
  const redis = new RedisServer();
  let spec = 0;
  beforeAll(() => redis.start(), 20_000);
  afterAll(() => redis.stop());

  describeRolloutStoreConformance('Redis, shared by every node', async () => {
    const prefix = `rollouts${++spec}`;
    return { a: new RedisRolloutStore(redis.url, prefix), open: () => new RedisRolloutStore(redis.url, prefix) };
  });
});
