/**
 * Whether a view spans its whole ArrayBuffer, which can then be moved to another thread. Small
 * Buffers are slices of Node's shared allocation pool: moving one would detach its neighbours.
 */
export function ownsMemory(view: Uint8Array): boolean {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && !(view.buffer instanceof SharedArrayBuffer);
}
