/** What every jobs endpoint answers (503) when no Redis is configured. */
export const REDIS_REQUIRED_MESSAGE = 'the jobs API needs Redis: set SWITCHYARD_REDIS_URL=redis://host:6379';

/** Name of the Bull queue all Switchyard nodes share. */
export const JOBS_QUEUE = 'infer';

/** WebSocket path of the result stream. */
export const STREAM_PATH = '/v1/stream';
