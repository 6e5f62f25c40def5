/** Name of the Bull queue all Switchyard nodes share. */
export const JOBS_QUEUE = 'infer';

/** WebSocket path of the result stream. */
export const STREAM_PATH = '/v1/stream';
