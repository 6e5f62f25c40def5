/**
 * Test fixture: the real ORT worker, except that a model key "exit@..." ends the worker thread
 * mid-task, "abort@..." kills the whole process with SIGSEGV, as a crashing driver would, and
 * "hang@..." blocks its thread for good, as a hung driver call would.
 */
import { run as ortRun } from '../worker/ort.worker';
import { type RunOutcome, serveRuns } from '../worker/run-port';
import type { RunRequest } from '../worker/worker-protocol';

export { load, unload } from '../worker/ort.worker';

async function run(request: RunRequest): Promise<RunOutcome> {
  if (request.key.startsWith('exit@')) process.exit(3);
  if (request.key.startsWith('abort@')) process.kill(process.pid, 'SIGSEGV');
  if (request.key.startsWith('hang@')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  return ortRun(request);
}

serveRuns(run);
