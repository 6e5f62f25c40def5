import { gzipSync, deflateSync } from 'node:zlib';
import { Body, Controller, Get, HttpException, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DeadlineExceededError, InvalidRequestError, NotFoundError, OverloadedError, UnavailableError } from '@switchyard/common';
import { loadConfig } from '@switchyard/config';
import { configureInferenceHttp } from './configure-inference-http';
import { InflightBytesGate } from './inflight-bytes.gate';

const THROWERS: Record<string, () => never> = {
  invalid: () => {
    throw new InvalidRequestError('bad tensor');
  },
  missing: () => {
    throw new NotFoundError('no such model');
  },
  overloaded: () => {
    throw new OverloadedError('queues are full', { retryAfterSeconds: 2.2 });
  },
  unavailable: () => {
    throw new UnavailableError('not ready', { retryAfterSeconds: 5 });
  },
  deadline: () => {
    throw new DeadlineExceededError('expired in the queue', { retryAfterSeconds: 1 });
  },
  teapot: () => {
    throw new HttpException('short and stout', 418);
  },
  crash: () => {
    throw new TypeError('secret internals');
  },
};

@Controller('t')
class ProbeController {
  @Post('body')
  body(@Body() body: unknown) {
    return Buffer.isBuffer(body) ? { kind: 'buffer', length: body.length } : { kind: typeof body, value: body };
  }

  @Get('throw/:kind')
  throw(@Param('kind') kind: string) {
    return THROWERS[kind]();
  }

  @Get('live')
  live() {
    return { live: true };
  }
}

// the app's InferenceModule provides the gate the body admission uses; no limit here
@Module({ controllers: [ProbeController], providers: [{ provide: InflightBytesGate, useValue: new InflightBytesGate(0) }] })
class ProbeModule {}

describe(configureInferenceHttp.name, () => {
  const config = loadConfig({}, { BODY_LIMIT_BYTES: 4096 });
  let sut: NestFastifyApplication;

  beforeAll(async () => {
    sut = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), { logger: false });
    configureInferenceHttp(sut, config);
    await sut.init();
    await sut.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await sut.close();
  });

  const post = (payload: string | Buffer, headers: Record<string, string> = {}) =>
    sut.inject({ method: 'POST', url: '/t/body', payload, headers });

  describe('body parsing', () => {
    it('parses plain JSON bodies into objects', async () => {
      const res = await post('{"a":[1,2]}', { 'content-type': 'application/json' });
      expect(res.json()).toEqual({ kind: 'object', value: { a: [1, 2] } });
    });

    it('keeps JSON with Inference-Header-Content-Length as raw bytes for the binary split', async () => {
      const res = await post(Buffer.from('{"a":1}\x01\x02'), {
        'content-type': 'application/json',
        'inference-header-content-length': '7',
      });
      expect(res.json()).toEqual({ kind: 'buffer', length: 9 });
    });

    it.each([['application/octet-stream'], ['text/plain'], ['application/x-whatever']])('keeps %s bodies as raw bytes', async (type) => {
      const res = await post(Buffer.from([1, 2, 3]), { 'content-type': type });
      expect(res.json()).toEqual({ kind: 'buffer', length: 3 });
    });

    it('accepts a body without Content-Type, as tritonclient sends it', async () => {
      const res = await sut.inject({ method: 'POST', url: '/t/body', payload: Buffer.from('{"x":1}') });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({ kind: 'buffer', length: 7 });
    });

    it.each([
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ])('undoes Content-Encoding %s', async (encoding, compress) => {
      const res = await post(compress(Buffer.from('{"z":true}')), { 'content-type': 'application/json', 'content-encoding': encoding });
      expect(res.json()).toEqual({ kind: 'object', value: { z: true } });
    });
  });

  describe('errors', () => {
    it.each([
      ['malformed JSON', '{"a":', { 'content-type': 'application/json' }, 400, 'malformed JSON body'],
      ['an empty JSON body (as no body)', '', { 'content-type': 'application/json' }, 201, undefined],
      [
        'a body over the limit',
        'x'.repeat(5000),
        { 'content-type': 'application/octet-stream' },
        413,
        'larger than the limit of 4096 bytes',
      ],
      ['JSON over the limit', `[${'1,'.repeat(3000)}1]`, { 'content-type': 'application/json' }, 413, 'larger than the limit'],
      [
        'a gzip bomb',
        gzipSync(Buffer.alloc(100_000)),
        { 'content-encoding': 'gzip' },
        413,
        'decompressed request body is larger than the limit of 4096',
      ],
      ['corrupt gzip', Buffer.from('not gzip'), { 'content-encoding': 'gzip' }, 400, 'cannot decompress the gzip request body'],
      ['an unknown Content-Encoding', Buffer.from('x'), { 'content-encoding': 'br' }, 400, 'unsupported Content-Encoding "br"'],
      ['a malformed Content-Type', Buffer.from('x'), { 'content-type': '/' }, 415, 'unsupported or malformed Content-Type'],
    ])('answers %s with the right status', async (_what, payload, headers, status, message) => {
      const res = await post(payload, headers);
      expect(res.statusCode).toBe(status);
      if (message) expect(res.json().error).toContain(message);
    });

    it.each([
      ['invalid', 400, 'bad tensor', undefined],
      ['missing', 404, 'no such model', undefined],
      ['overloaded', 429, 'queues are full', '3'],
      ['unavailable', 503, 'not ready', '5'],
      ['deadline', 504, 'expired in the queue', undefined],
      ['teapot', 418, 'short and stout', undefined],
      ['crash', 500, 'internal server error', undefined],
    ])('maps a thrown %s to %d {"error"} (Retry-After %s)', async (kind, status, message, retryAfter) => {
      const res = await sut.inject({ method: 'GET', url: `/t/throw/${kind}` });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.json()).toEqual({ error: message });
      expect(res.headers['retry-after']).toBe(retryAfter);
    });

    it('answers unknown routes with 404 {"error"}', async () => {
      const res = await sut.inject({ method: 'GET', url: '/nope' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: 'Cannot GET /nope' });
    });

    it('still serves after all of the above', async () => {
      const res = await sut.inject({ method: 'GET', url: '/t/live' });
      expect(res.json()).toEqual({ live: true });
    });
  });
});
