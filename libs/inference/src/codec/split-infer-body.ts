import { isAscii } from 'node:buffer';
import { InvalidRequestError } from '@switchyard/common';

/** An inference request body split into its JSON header and the binary section after it. */
export interface SplitInferBody {
  header: Record<string, unknown>;
  /** Bytes after the JSON header (binary tensor data extension); empty when there are none. */
  binary: Buffer;
}

const EMPTY = Buffer.alloc(0);

/**
 * Splits a request body per the binary tensor data extension: when the
 * Inference-Header-Content-Length header is present, that many leading bytes are the JSON header
 * and the rest is the inputs' binary data; otherwise the whole body is JSON. `body` is the raw
 * Buffer, or an object when a JSON body was already parsed.
 */
export function splitInferBody(body: unknown, headerLength: string | string[] | undefined): SplitInferBody {
  if (Buffer.isBuffer(body)) return splitBuffer(body, headerLength);
  if (headerLength !== undefined) {
    throw new InvalidRequestError('Inference-Header-Content-Length was sent but the body was read as plain JSON');
  }
  if (body === undefined || body === null) throw new InvalidRequestError('the request has no body');
  return { header: asObject(body), binary: EMPTY };
}

function splitBuffer(body: Buffer, headerLength: string | string[] | undefined): SplitInferBody {
  if (body.length === 0) throw new InvalidRequestError('the request has no body');
  let jsonLength = body.length;
  if (headerLength !== undefined) {
    const text = Array.isArray(headerLength) ? headerLength.join(',') : headerLength.trim();
    if (!/^\d{1,15}$/.test(text)) {
      throw new InvalidRequestError(`Inference-Header-Content-Length "${text.slice(0, 40)}" is not a byte count`);
    }
    jsonLength = Number(text);
    if (jsonLength > body.length) {
      throw new InvalidRequestError(`Inference-Header-Content-Length ${jsonLength} is larger than the body (${body.length} bytes)`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText(body.subarray(0, jsonLength)));
  } catch (err) {
    throw new InvalidRequestError(`malformed JSON in the inference request: ${(err as Error).message}`);
  }
  return { header: asObject(parsed), binary: body.subarray(jsonLength) };
}

/**
 * The JSON text of a body. Most bodies are ASCII (numbers, ASCII names): those are read as
 * latin1, a plain copy into a one-byte string, several times cheaper than UTF-8 decoding for the
 * same string; anything else is decoded as UTF-8.
 */
function jsonText(json: Buffer): string {
  return isAscii(json) ? json.toString('latin1') : json.toString('utf8');
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError('the inference request must be a JSON object');
  }
  return value as Record<string, unknown>;
}
