/**
 * One working buffer that a thread reuses from call to call instead of allocating megabytes per
 * call: fresh big buffers cost page faults, and garbage collections started by the external
 * memory they add up to. Not reentrant: take, use, give back, synchronously.
 */
export class ScratchBuffer {
  private buffer?: Buffer;
  private taken = false;

  /** @param keepBytes a buffer larger than this is dropped when given back (kept memory stays bounded) */
  constructor(private readonly keepBytes = 32 * 2 ** 20) {}

  /** A buffer of at least `bytes` (contents undefined). */
  take(bytes: number): Buffer {
    if (this.taken) throw new Error('ScratchBuffer.take: the buffer is still in use');
    if (!this.buffer || this.buffer.length < bytes) {
      this.buffer = undefined; // the old one can go before the new one is allocated
      this.buffer = Buffer.allocUnsafeSlow(Math.max(bytes, 64 * 1024));
    }
    this.taken = true;
    return this.buffer;
  }

  give(buffer: Buffer): void {
    if (buffer !== this.buffer) return;
    this.taken = false;
    if (buffer.length > this.keepBytes) this.buffer = undefined;
  }
}
