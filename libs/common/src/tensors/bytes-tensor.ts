/**
 * BYTES tensors on the wire, as Triton serialises them (binary tensor data extension): each
 * element is a 4-byte little-endian length followed by that many bytes, elements in row-major
 * order. A WireTensor of BYTES holds exactly this in `data`.
 */

/** Serialises elements into one buffer that holds exactly them. */
export function encodeBytesElements(elements: readonly Uint8Array[]): ArrayBuffer {
  let size = 0;
  for (const e of elements) size += 4 + e.byteLength;
  const buffer = new ArrayBuffer(size);
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  let offset = 0;
  for (const e of elements) {
    view.setUint32(offset, e.byteLength, true);
    bytes.set(e, offset + 4);
    offset += 4 + e.byteLength;
  }
  return buffer;
}

/**
 * Splits serialised elements (views into `data`, not copies). Returns the problem instead when
 * the bytes are not `count` well-formed elements (count unchecked when undefined).
 */
export function decodeBytesElements(data: ArrayBuffer | Uint8Array, count?: number): Uint8Array[] | { problem: string } {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (offset + 4 > bytes.byteLength) return { problem: `element ${out.length} has a truncated 4-byte length prefix at byte ${offset}` };
    const length = view.getUint32(offset, true);
    if (offset + 4 + length > bytes.byteLength)
      return { problem: `element ${out.length} claims ${length} bytes but only ${bytes.byteLength - offset - 4} follow` };
    out.push(bytes.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  if (count !== undefined && out.length !== count) return { problem: `holds ${out.length} elements but the shape needs ${count}` };
  return out;
}
