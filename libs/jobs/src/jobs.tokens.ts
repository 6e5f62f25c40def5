/** DI token of the JobsApi (on the JobStore, Redis or SQLite). */
export const JOBS_API = Symbol('JOBS_API');

/** DI token of the ResultStreams (per-stream results in Redis). */
export const RESULT_STREAMS = Symbol('RESULT_STREAMS');

/** DI token of the JobRunner that runs one job's inference request. */
export const JOB_RUNNER = Symbol('JOB_RUNNER');

/** DI token of the JobStore: Bull on Redis, or the embedded SQLite store. */
export const JOB_STORE = Symbol('JOB_STORE');

/** DI token of the JobConsumer running this node's jobs (Bull's or the SQLite queue's). */
export const JOB_CONSUMER = Symbol('JOB_CONSUMER');
