/** Name of the Bull queue all Switchyard nodes share. */
export const JOBS_QUEUE = 'infer';

/** WebSocket path of the result stream. */
export const STREAM_PATH = '/v1/stream';

/**
 * How long a stopping node lets its running jobs finish before it closes (what is left runs again
 * elsewhere, or at its next start). Container stop grace periods must exceed it plus the close.
 */
export const JOBS_SHUTDOWN_WAIT_MS = 10_000;
