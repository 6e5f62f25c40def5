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

  fastify.addHook('onRequest', async (request, reply) => {
    const entry: Held = { bytes: 0, declared: false };
    held.set(request, entry);
    reply.raw.once('close', () => {
      gate.release(entry.bytes);
      entry.bytes = 0;
    });
    const declared = contentLength(request.headers['content-length']);
    if (declared === undefined) return;
    gate.admit(declared);
    entry.bytes = declared;
    entry.declared = true;
  });

  fastify.addHook('preParsing', async (request, _reply, payload) => {
    const entry = held.get(request);
    if (!entry || entry.declared) return payload;
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
    return payload.pipe(counted);
  });
}

function contentLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,15}$/.test(header.trim())) return undefined; // Fastify refuses a bad one itself
  return Number(header);
}
