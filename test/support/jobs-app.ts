import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../apps/server/src/bootstrap';
import { waitFor } from './jobs-ports';
import { modelRepository } from './repo-paths';

export interface JobsApp {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** Boots the real app in this process (the jobs specs' light setup) and waits until ready. */
export async function startJobsApp(overrides: Record<string, string | number | boolean>): Promise<JobsApp> {
  const app = await createApp({
    HOST: '127.0.0.1',
    PORT: 0,
    MODELS: 'mlp_tiny,dtype_echo',
    MODEL_REPOSITORY: modelRepository(),
    PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-jobs-profiles-')),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-jobs-data-')),
    CALIBRATION: 'skip',
    DISABLED_DEVICES: 'gpu:0',
    TELEMETRY_INTERVAL_MS: 0,
    LOG_LEVEL: 'warn',
    ...overrides,
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const jobsApp = { app, url, close: () => app.close() };
  try {
    await waitFor(
      'the app to be ready',
      async () => ((await fetch(`${url}/v2/health/ready`)).status === 200 ? true : undefined),
      90_000,
      200,
    );
  } catch (err) {
    await app.close();
    throw err;
  }
  return jobsApp;
}
