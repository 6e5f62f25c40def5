/** Test fixture: the real pool host, whose pool runs the crashing worker fixture. */
import { join } from 'node:path';
import type { HostRequest } from '../pools/process-protocol';

process.prependListener('message', (message: unknown) => {
  const request = message as HostRequest;
  if (request.op === 'start') request.options.workerFile = join(__dirname, 'crashing.worker.js');
});
require('../pools/process-pool-host');
