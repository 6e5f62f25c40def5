import type { Readable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { SwitchyardConfig } from '@switchyard/config';
import { SwitchyardExceptionFilter } from '../filters/switchyard-exception.filter';
import { registerBytesAdmission } from './bytes-admission.hooks';
import { createInferenceBodyParser } from './inference-body.parser';
import { InflightBytesGate } from './inflight-bytes.gate';
import { readRequestBody } from './read-request-body';

/**
 * Wires the HTTP side of the protocol into the app: one body parser for every content type (the
 * binary tensor data extension needs raw bytes; JSON bodies are still parsed for plain JSON
 * routes, big ones stay raw for a codec thread), JSON and text bodies read as they stream in, the body limit, admission by bytes in flight (SWITCHYARD_MAX_INFLIGHT_BYTES), and the
 * global exception filter that maps every error to {"error": "..."}.
 *
 * @remarks Call after NestFactory.create and BEFORE app.init()/listen(): Nest registers its
 * default parsers and builds the exception layer at init, and skips its own parsers only when
 * ours are already there.
 */
export function configureInferenceHttp(app: NestFastifyApplication, config: SwitchyardConfig): void {
  const bodyLimit = config.http.bodyLimitBytes;
  const parser = createInferenceBodyParser(bodyLimit, config.http.codecOffloadBytes);
  // JSON and text bodies (where big inference requests come) are read from their stream into one
  // buffer as they arrive; this replaces Fastify's built-in parsers for the two types.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(['application/json', 'text/plain'], async (request: FastifyRequest, payload: Readable) =>
      parser(request, await readRequestBody(payload, request.headers['content-length'], bodyLimit)),
    );
  // every other type (binary tensor data without a Content-Type); with '*' registered, Nest adds no parsers of its own
  app.useBodyParser('*', { bodyLimit }, (request: FastifyRequest, body: Buffer) => parser(request, body));
  registerBytesAdmission(app.getHttpAdapter().getInstance(), new InflightBytesGate(config.http.maxInflightBytes));
  app.useGlobalFilters(new SwitchyardExceptionFilter({ bodyLimitBytes: bodyLimit, logLevel: config.logLevel }));
}
