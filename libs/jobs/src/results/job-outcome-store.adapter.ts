import type { JobRecord } from '../interfaces/job-record.interface';
import type { OutcomeStore, StoreResult } from '../interfaces/job-store.interface';
import { type RedisClient, RedisKeys } from './redis-keys';

/**
 * Stores a job's outcome once: SET NX on the result key, and in the same script (atomically)
 * the append to the job's result stream with the stream's next sequence number. A second writer
 * (two nodes finishing one redelivered job) changes nothing.
 * KEYS: result, stream, stream seq. ARGV: record JSON, TTL s, "1" to append, stream max length.
 */
const STORE_ONCE = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 0 end
if ARGV[3] ~= '1' then return -1 end
local seq = redis.call('INCR', KEYS[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0', 'r', ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[2])
return seq
`;

export interface OutcomeStoreOptions {
  prefix: string;
  resultTtlSeconds: number;
  streamMaxLength: number;
}

/** Job outcome records in Redis (written once, read by any node). */
export class JobOutcomeStore implements OutcomeStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: OutcomeStoreOptions,
  ) {
    this.keys = new RedisKeys(options.prefix);
  }

  async store(record: JobRecord, streamId: string | undefined): Promise<StoreResult> {
    const k = this.keys;
    const stream = streamId ?? '';
    const reply = (await this.redis.eval(
      STORE_ONCE,
      3,
      k.result(record.jobId),
      k.stream(stream),
      k.streamSeq(stream),
      JSON.stringify(record),
      String(this.options.resultTtlSeconds),
      streamId !== undefined ? '1' : '0',
      String(this.options.streamMaxLength),
    )) as number;
    if (reply === 0) return { stored: false };
    return reply > 0 ? { stored: true, seq: reply } : { stored: true };
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const text = await this.redis.get(this.keys.result(jobId));
    return text ? (JSON.parse(text) as JobRecord) : undefined;
  }

  async exists(jobIds: readonly string[]): Promise<boolean[]> {
    if (jobIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of jobIds) pipeline.exists(this.keys.result(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, n]) => {
      if (err) throw err;
      return n === 1;
    });
  }
}
