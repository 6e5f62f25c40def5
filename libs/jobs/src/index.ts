// The jobs lib's public API: the module and the stream set-up the app wires, its tokens and
// contracts (the consumer the drain stops), constants and errors. Stores, queues and adapters are
// internals (tests reach them through @switchyard/jobs/testing).
export * from './jobs.module';
export * from './jobs.constants';
export * from './jobs.tokens';
export * from './configure-jobs-stream';
export * from './errors/job-conflict.error';
export * from './interfaces/job-payload.interface';
export * from './interfaces/job-progress.interface';
export * from './interfaces/job-record.interface';
export * from './interfaces/job-view.interface';
export * from './interfaces/job-submission.interface';
export * from './interfaces/jobs-api.interface';
export * from './interfaces/job-store.interface';
export * from './interfaces/job-delivery.interface';
export * from './interfaces/job-consumer.interface';
export * from './interfaces/job-runner.interface';
export * from './interfaces/result-streams.interface';
export * from './submission/job-fields.schema';
