import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError } from '@switchyard/config';
import { drainOnSignals } from '@switchyard/lifecycle';
import { startServer } from './bootstrap';

async function main(): Promise<void> {
  const { app, url, grpcAddress } = await startServer();
  drainOnSignals(app);
  const grpc = grpcAddress ? `, gRPC at ${grpcAddress}` : '';
  new Logger('Switchyard').log(`listening on ${url} (Open Inference Protocol at ${url}/v2${grpc}, devices at ${url}/v1/devices)`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigValidationError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
