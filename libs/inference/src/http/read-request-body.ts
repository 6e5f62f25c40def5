import type { Readable } from 'node:stream';
import { errorCodes } from 'fastify';

/**
 * Reads a request body from its stream straight into one buffer of its declared length, as the
 * chunks arrive: no list of chunks held until the end and no copy of the whole body then (what
 * Fastify's own reading does). A big body's buffer owns its memory, so it moves to a codec thread
 * without another copy. Without Content-Length (chunked) the chunks are joined at the end.
 * Errors are Fastify's (413 over `limit`, 400 when the length does not match), so they read the
 * same as for the bodies Fastify reads.
 */
export function readRequestBody(payload: Readable, contentLength: string | undefined, limit: number): Promise<Buffer> {
  const declared = contentLength !== undefined && /^\d{1,15}$/.test(contentLength.trim()) ? Number(contentLength) : undefined;
  if (declared !== undefined && declared > limit) return Promise.reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  return new Promise((resolve, reject) => {
    // allocUnsafeSlow: a buffer of its own, never a slice of the shared pool (it may be moved to a thread)
    const body = declared !== undefined ? Buffer.allocUnsafeSlow(declared) : undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (received + bytes.length > (declared ?? limit)) {
        // the rest is not read; Fastify answers with Connection: close
        stop();
        reject(
          received + bytes.length > limit
            ? new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE()
            : new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(),
        );
        return;
      }
      if (body) bytes.copy(body, received);
      else chunks.push(bytes);
      received += bytes.length;
    };
    const onEnd = () => {
      stop();
      if (declared !== undefined && received !== declared) reject(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      else resolve(body ?? Buffer.concat(chunks, received));
    };
    const onError = (err: Error & { statusCode?: number }) => {
      stop();
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      reject(err);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  });
}
