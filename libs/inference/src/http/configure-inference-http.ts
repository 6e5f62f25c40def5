import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { SwitchyardConfig } from '@switchyard/config';
import { SwitchyardExceptionFilter } from '../filters/switchyard-exception.filter';
import { registerBytesAdmission } from './bytes-admission.hooks';
import { createInferenceBodyParser } from './inference-body.parser';
import { InflightBytesGate } from './inflight-bytes.gate';

/**
 * Wires the HTTP side of the protocol into the app: one body parser for every content type (the
 * binary tensor data extension needs raw bytes; JSON bodies are still parsed for plain JSON
 * routes), the body limit, admission by bytes in flight (SWITCHYARD_MAX_INFLIGHT_BYTES), and the
 * global exception filter that maps every error to {"error": "..."}.
 *
 * @remarks Call after NestFactory.create and BEFORE app.init()/listen(): Nest registers its
 * default parsers and builds the exception layer at init, and skips its own parsers only when
 * ours are already there.
 */
export function configureInferenceHttp(app: NestFastifyApplication, config: SwitchyardConfig): void {
  const bodyLimit = config.http.bodyLimitBytes;
  const parser = createInferenceBodyParser(bodyLimit, config.http.codecOffloadBytes);
  // Fastify has built-in parsers for these two; '*' alone would not replace them.
  app.useBodyParser(
    ['application/json', 'text/plain', '*'],
    { bodyLimit },
    (request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => parser(request, body, done),
  );
  // one budget with the gRPC endpoint: the gate is the module's (InferenceModule)
  registerBytesAdmission(app.getHttpAdapter().getInstance(), app.get(InflightBytesGate));
  app.useGlobalFilters(new SwitchyardExceptionFilter({ bodyLimitBytes: bodyLimit, logLevel: config.logLevel }));
}
