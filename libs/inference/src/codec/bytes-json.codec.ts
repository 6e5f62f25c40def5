import { decodeBytesElements, encodeBytesElements, InferenceFailedError, InvalidRequestError } from '@switchyard/common';

/**
 * BYTES tensors in JSON: each element a string (its UTF-8 bytes), as tritonclient sends
 * np.object_ arrays with binary_data=False. Kept apart from the numeric codec.
 */
export function jsonValuesToBytesBuffer(values: readonly unknown[], tensor: string): ArrayBuffer {
  const elements = values.map((v, i) => {
    if (typeof v !== 'string')
      throw new InvalidRequestError(
        `input '${tensor}': data[${i}] = ${(JSON.stringify(v) ?? String(v)).slice(0, 40)} is not a string (BYTES)`,
      );
    return Buffer.from(v, 'utf8');
  });
  checkNoNul(elements, tensor);
  return encodeBytesElements(elements);
}

/** The serialised elements as the text of a JSON array of strings (bytes read as UTF-8). */
export function bytesBufferToJsonText(data: ArrayBuffer): string {
  const elements = decodeBytesElements(data);
  if ('problem' in elements) throw new InferenceFailedError(`a BYTES output is malformed: ${elements.problem}`);
  return `[${elements.map((e) => JSON.stringify(Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('utf8'))).join(',')}]`;
}

/** Checks a binary BYTES input holds `count` well-formed elements (400 otherwise). */
export function checkBytesBinary(chunk: Uint8Array, count: number, tensor: string): void {
  const elements = decodeBytesElements(chunk, count);
  if ('problem' in elements) throw new InvalidRequestError(`input '${tensor}': its BYTES data ${elements.problem}`);
  checkNoNul(elements, tensor);
}

/** onnxruntime-node's string tensors are C strings: a NUL would silently cut the element. */
function checkNoNul(elements: readonly Uint8Array[], tensor: string): void {
  const at = elements.findIndex((e) => e.includes(0));
  if (at >= 0)
    throw new InvalidRequestError(
      `input '${tensor}': BYTES element ${at} contains a NUL byte, which onnxruntime's string tensors cannot hold`,
    );
}
