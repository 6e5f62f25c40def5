import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobRecord } from '../interfaces/job-record.interface';
import type { ResultStreams, StreamEntry, StreamFollower } from '../interfaces/result-streams.interface';
import { type RedisClient, RedisKeys } from './redis-keys';

const BLOCK_MS = 5000;
const READ_COUNT = 100;
const RETRY_MS = 500;

/**
 * Result streams as Redis Streams whose entry ids are `<seq>-0`, so that a client's last
 * sequence number is also its read position. Each follower reads with XREAD BLOCK on its own
 * connection (a blocking read holds the connection), closed with the follower.
 */
export class RedisResultStreams implements ResultStreams {
  private readonly logger = new Logger(RedisResultStreams.name);
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  async lastSeq(streamId: string): Promise<number> {
    return Number((await this.redis.get(this.keys.streamSeq(streamId))) ?? 0);
  }

  follow(streamId: string, after: number, deliver: (entry: StreamEntry) => Promise<void>, onError: (err: Error) => void): StreamFollower {
    const reader = this.redis.duplicate({ maxRetriesPerRequest: null });
    reader.on('error', () => undefined); // read failures surface from xread below
    const key = this.keys.stream(streamId);
    let position = `${after}-0`;
    let closed = false;
    const loop = async (): Promise<void> => {
      while (!closed) {
        try {
          const reply = await reader.xread('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', key, position);
          for (const [, entries] of reply ?? []) {
            for (const [id, fields] of entries) {
              if (closed) return;
              await deliver({ seq: Number(id.split('-')[0]), record: JSON.parse(fields[1]) as JobRecord });
              position = id;
            }
          }
        } catch (err) {
          if (closed) return;
          onError(err as Error);
          await sleep(RETRY_MS);
        }
      }
    };
    loop().catch((err: Error) => this.logger.error(`stream ${streamId}: ${err.message}`));
    return {
      close: async () => {
        closed = true;
        reader.disconnect();
      },
    };
  }
}
