import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { InflightBytesGate } from './inflight-bytes.gate';

interface Held {
  bytes: number;
  /** Content-Length was admitted whole; the body is not counted again as it arrives. */
  declared: boolean;
}

/**
 * Admission by bytes on every route: a request whose Content-Length would pass the gate is
 * refused in onRequest, before its body is read; a chunked body is counted as it arrives (the
 * read fails with the gate's error when a chunk does not fit). What a request holds is released
 * when its response is sent or its connection closes.
 */
export function registerBytesAdmission(fastify: FastifyInstance, gate: InflightBytesGate): void {
  const held = new WeakMap<FastifyRequest, Held>();

  // callback hooks: an async hook costs a promise on every request, probes and scrapes included
  fastify.addHook('onRequest', (request, reply, next) => {
    const entry: Held = { bytes: 0, declared: false };
    held.set(request, entry);
    reply.raw.once('close', () => {
      gate.release(entry.bytes);
      entry.bytes = 0;
    });
    const declared = contentLength(request.headers['content-length']);
    if (declared === undefined) return next();
    try {
      gate.admit(declared);
    } catch (err) {
      return next(err as Error);
    }
    entry.bytes = declared;
    entry.declared = true;
    next();
  });

  fastify.addHook('preParsing', (request, _reply, payload, next) => {
    const entry = held.get(request);
    // counted already (Content-Length), or no body at all (neither header: a GET, a probe)
    if (!entry || entry.declared || request.headers['transfer-encoding'] === undefined) return next(null, payload);
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        try {
          gate.admit(chunk.length);
          entry.bytes += chunk.length;
          done(null, chunk);
        } catch (err) {
          // drain the rest instead of destroying the request: its socket must stay up for the 429
          payload.unpipe(counted);
          payload.resume();
          done(err as Error);
        }
      },
    });
    payload.on('error', (err) => counted.destroy(err));
    next(null, payload.pipe(counted));
  });
}

function contentLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,15}$/.test(header.trim())) return undefined; // Fastify refuses a bad one itself
  return Number(header);
}
