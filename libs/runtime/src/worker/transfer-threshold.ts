/**
 * Tensor buffers of at least this many bytes cross between the main thread and a pool worker by
 * transfer (moved, detached on the sending side); smaller ones are cloned with the message. A
 * transfer has a fixed cost that a small copy does not: for mlp_tiny (64-byte tensors) cloning
 * both ways saved ~0.01-0.02 ms per run over transferring them (piscina echo, interleaved blocks;
 * bench/results/overhead/2026-11-29-vm-lean), and a clone needs no defensive copy of a job's
 * inputs for a retry.
 */
export const TRANSFER_MIN_BYTES = 16 * 1024;

/** Whether `buffer` is moved (transferred) rather than cloned when it crosses to or from a worker. */
export function isTransferred(buffer: ArrayBuffer): boolean {
  return buffer.byteLength >= TRANSFER_MIN_BYTES;
}
