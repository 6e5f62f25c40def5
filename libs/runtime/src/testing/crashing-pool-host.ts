/** Test fixture: the real pool host, whose pool runs the crashing worker fixture. */
import { join } from 'node:path';
import type { HostRequest } from '../pools/process-protocol';

process.prependListener('message', (message: unknown) => {
  const request = message as HostRequest;
  if (request.op === 'start') request.options.workerFile = join(__dirname, 'crashing.worker.js');
});
// after the listener above (an import would be hoisted before it): the host must see the rewritten options
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../pools/process-pool-host');
