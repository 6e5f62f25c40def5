// Jobs internals and helpers for specs and e2e tests (@switchyard/jobs/testing): not part of the
// production barrel.
export * from '../queue/job-consumer.service';
export * from '../sqlite/sqlite-database.adapter';
export * from './redis-server';
export * from '../submission/read-job-submission';
