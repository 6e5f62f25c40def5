import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startServer } from '../../apps/server/src/bootstrap';
import { modelRepository } from './repo-paths';

export interface TestServer {
  app: NestFastifyApplication;
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port> of the gRPC endpoint (a free port; absent with GRPC_PORT: 'off'). */
  grpcAddress?: string;
  close(): Promise<void>;
}

/** The light demo models the protocol e2e specs use. */
export const E2E_MODELS = 'mlp_tiny,cnn_small,dtype_echo';

/** The options startTestServer boots the app with (temp folders are made on each call). */
export function testServerOptions(overrides: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  return {
    HOST: '127.0.0.1',
    PORT: 0,
    GRPC_PORT: 0,
    MODELS: E2E_MODELS,
    MODEL_REPOSITORY: modelRepository(),
    PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-e2e-profiles-')),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-e2e-data-')),
    CALIBRATION: 'skip',
    TELEMETRY_INTERVAL_MS: 0,
    LOG_LEVEL: 'warn',
    ...overrides,
  };
}

/**
 * Boots the real app on a free port (the demo repository, calibration off, profiles in a temp
 * folder) and waits until /v2/health/ready says 200, so every model is pinned.
 */
export async function startTestServer(
  overrides: Record<string, string | number | boolean> = {},
  readyTimeoutMs = 90_000,
): Promise<TestServer> {
  const { app, url, grpcAddress } = await startServer(testServerOptions(overrides));
  const server: TestServer = { app, url, ...(grpcAddress ? { grpcAddress } : {}), close: () => app.close() };
  try {
    await waitUntilReady(url, readyTimeoutMs);
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}

/** Polls /v2/health/ready until it says 200. */
export async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    const res = await fetch(`${url}/v2/health/ready`);
    if (res.status === 200) return;
    last = `${res.status} ${await res.text()}`;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const index = await (await fetch(`${url}/v2/repository/index`, { method: 'POST' })).text();
  throw new Error(`server at ${url} not ready after ${timeoutMs} ms (${last}); models: ${index}`);
}
