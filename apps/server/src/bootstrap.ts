import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LogLevel } from '@nestjs/common';
import { loadConfig, readTlsFiles, SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { GrpcServerService } from '@switchyard/grpc';
import { configureInferenceHttp } from '@switchyard/inference';
import { configureJobsStream } from '@switchyard/jobs';
import { configureSecurityHttp } from '@switchyard/security';
import { AppModule } from './app.module';
import { applyHeapGrowth } from './heap-growth';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Builds the app (not yet listening). `overrides` win over the environment, e.g.
 * {PORT: 0, MODELS: 'mlp_tiny'} in tests and benchmarks.
 */
export async function createApp(overrides: Record<string, string | number | boolean> = {}): Promise<NestFastifyApplication> {
  const config = loadConfig(process.env, overrides);
  applyHeapGrowth(config.http.heapGrowingPercent);
  // HTTPS when configured: the WebSocket stream rides the same server (wss://)
  const https = config.http.tls ? readTlsFiles(config.http.tls) : undefined;
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forConfig(config),
    new FastifyAdapter({ bodyLimit: config.http.bodyLimitBytes, genReqId: requestIdGenerator(), ...(https ? { https } : {}) }),
    { logger: LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1), abortOnError: false },
  );
  configureInferenceHttp(app, config);
  await configureSecurityHttp(app, config);
  configureJobsStream(app, config);
  // no enableShutdownHooks(): the server process drains on SIGTERM instead (drainOnSignals in main.ts)
  return app;
}

/**
 * Starts the app on the configured host and port, and the gRPC endpoint on its port (unless
 * SWITCHYARD_GRPC_PORT=off); returns the app, its URL and the gRPC address (host:port).
 */
export async function startServer(
  overrides: Record<string, string | number | boolean> = {},
): Promise<{ app: NestFastifyApplication; url: string; grpcAddress?: string; config: SwitchyardConfig }> {
  const app = await createApp(overrides);
  const config = app.get<SwitchyardConfig>(SWITCHYARD_CONFIG);
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const grpcPort = await app.get(GrpcServerService).listen();
  const grpcAddress = grpcPort === undefined ? undefined : `${host.includes(':') ? `[${host}]` : host}:${grpcPort}`;
  return { app, url: `${config.http.tls ? 'https' : 'http'}://${host}:${port}`, ...(grpcAddress ? { grpcAddress } : {}), config };
}

/** Honours a client's x-request-id (when it is a plain token), else numbers requests. */
function requestIdGenerator(): (req: { headers: Record<string, string | string[] | undefined> }) => string {
  let n = 0;
  const prefix = Date.now().toString(36);
  return (req) => {
    const given = req.headers['x-request-id'];
    if (typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given)) return given;
    return `${prefix}-${(++n).toString(36)}`;
  };
}
