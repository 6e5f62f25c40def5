import { InferenceFailedError, type WireTensor } from '@switchyard/common';
import type { InferResponseDto } from '../dto/infer-response.dto';
import type { RequestedOutput } from '../interfaces/validated-infer-request.interface';
import { jsonArrayMaxBytes, writeJsonArray } from './tensor-json.encoder';
import { bytesBufferToJsonText } from './bytes-json.codec';
import { ScratchBuffer } from './scratch-buffer';

/** A response body ready to send. */
export interface EncodedInferResponse {
  /** A Buffer also for JSON, so that Fastify sends Content-Type as given (no charset added). */
  body: Buffer;
  contentType: 'application/json' | 'application/octet-stream';
  /** Bytes of the JSON header when binary outputs follow it (Inference-Header-Content-Length). */
  headerLength?: number;
}

/** One requested output: the JSON before its data, and the data as text (BYTES) or as tensor bytes. */
interface Part {
  head: string;
  tensor: WireTensor;
  binary: boolean;
  text?: string;
}

/** Where every response is written before its exact-size copy: one per thread, reused. */
const scratch = new ScratchBuffer();

/**
 * Encodes an inference response: JSON, or with the binary tensor data extension a JSON header
 * followed by the binary outputs' bytes in the order they are listed. Outputs appear in the order
 * of `requested`.
 *
 * @remarks Tensor data goes in as bytes (no string of millions of characters is built), into one
 * scratch buffer that this thread reuses, and the body is one exact-size copy of it: a 10 MB
 * response costs one fresh allocation instead of one per tensor plus their concatenation.
 */
export function encodeInferResponse(
  head: Omit<InferResponseDto, 'outputs'>,
  outputs: readonly WireTensor[],
  requested: readonly RequestedOutput[],
): EncodedInferResponse {
  const byName = new Map(outputs.map((o) => [o.name, o]));
  // the head's JSON with its closing brace turned into the start of "outputs" (it has none of its own)
  const envelope = `${JSON.stringify(head).slice(0, -1)},"outputs":[`;
  let headerBound = Buffer.byteLength(envelope) + 2;
  let binaryBytes = 0;
  const parts = requested.map(({ name, binary }, i): Part => {
    const tensor = byName.get(name);
    if (!tensor) throw new InferenceFailedError(`the model did not return output '${name}'`);
    const meta = `${i > 0 ? ',' : ''}{"name":${JSON.stringify(name)},"datatype":"${tensor.datatype}","shape":${JSON.stringify(tensor.shape)}`;
    if (binary) {
      binaryBytes += tensor.data.byteLength;
      const part = { head: `${meta},"parameters":{"binary_data_size":${tensor.data.byteLength}}}`, tensor, binary };
      headerBound += Buffer.byteLength(part.head);
      return part;
    }
    const part: Part = { head: `${meta},"data":`, tensor, binary };
    if (tensor.datatype === 'BYTES') part.text = bytesBufferToJsonText(tensor.data);
    headerBound += Buffer.byteLength(part.head) + 1;
    headerBound += part.text !== undefined ? Buffer.byteLength(part.text) : jsonArrayMaxBytes(tensor.data, tensor.datatype);
    return part;
  });
  const out = scratch.take(headerBound + binaryBytes);
  try {
    let pos = out.write(envelope, 0, 'utf8');
    for (const part of parts) {
      pos += out.write(part.head, pos, 'utf8');
      if (part.binary) continue;
      if (part.text !== undefined) pos += out.write(part.text, pos, 'utf8');
      else pos = writeJsonArray(out, pos, part.tensor.data, part.tensor.datatype);
      out[pos++] = CLOSE_OBJECT;
    }
    out[pos++] = CLOSE_ARRAY;
    out[pos++] = CLOSE_OBJECT;
    const headerLength = pos;
    for (const part of parts) {
      if (!part.binary) continue;
      out.set(new Uint8Array(part.tensor.data), pos);
      pos += part.tensor.data.byteLength;
    }
    // a small body is a slice of Node's buffer pool (a fresh ArrayBuffer per response cost the
    // main thread more than the rest of the encoding), a large one owns its memory and can move
    // to another thread (the codec worker transfers only a body that owns its memory: ownsMemory)
    const body = Buffer.allocUnsafe(pos);
    out.copy(body, 0, 0, pos);
    if (binaryBytes === 0) return { body, contentType: 'application/json' };
    return { body, contentType: 'application/octet-stream', headerLength };
  } finally {
    scratch.give(out);
  }
}

const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
