import { loadConfig } from '@switchyard/config';
import Bull, { type Queue } from 'bull';
import { RedisServer } from '../testing/redis-server';
import { describeWithRedis } from '../../../../test/support/requirements';
import { RedisRequirementsService } from './redis-requirements.service';

describeWithRedis(RedisRequirementsService.name, () => {
  const redis = new RedisServer();
  let queue: Queue;

  beforeAll(async () => {
    await redis.start();
    queue = new Bull('requirements-spec', redis.url);
  }, 20_000);

  afterAll(async () => {
    await queue?.close();
    await redis.stop();
  });

  const sut = (strict: boolean) =>
    new RedisRequirementsService(loadConfig({}, { REDIS_URL: redis.url, JOBS_REQUIRE_NOEVICTION: strict }), queue);

  it('starts when maxmemory-policy is noeviction, strict or not', async () => {
    await redis.cli('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await expect(sut(true).onModuleInit()).resolves.toBeUndefined();
    await expect(sut(false).onModuleInit()).resolves.toBeUndefined();
  });

  it('refuses to start with an evicting policy when strict, naming the policy and the fix', async () => {
    await redis.cli('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      await expect(sut(true).onModuleInit()).rejects.toThrow(
        /maxmemory-policy allkeys-lru.*noeviction.*SWITCHYARD_JOBS_REQUIRE_NOEVICTION=true/s,
      );
      // Not strict: start-up goes on (the problem is logged as a warning).
      await expect(sut(false).onModuleInit()).resolves.toBeUndefined();
    } finally {
      await redis.cli('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });
});
