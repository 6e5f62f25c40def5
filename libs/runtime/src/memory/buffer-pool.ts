/**
 * Reusable ArrayBuffers keyed by exact byte length. Tensor buffers circulate between threads
 * (main -> worker as inputs, worker -> main as outputs): each side releases what it is done with
 * and acquires from here instead of allocating, so a steady stream of same-shaped requests
 * allocates nothing.
 *
 * @remarks A released buffer must not be used by the releaser again. Bounded by `maxBytes`;
 * beyond that, released buffers are left to the GC. Not thread-safe (one per thread).
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private retainedBytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes: number) {}

  acquire(byteLength: number): ArrayBuffer {
    const list = this.free.get(byteLength);
    const buffer = list?.pop();
    if (buffer) {
      this.retainedBytes -= byteLength;
      this.hits++;
      return buffer;
    }
    this.misses++;
    return new ArrayBuffer(byteLength);
  }

  release(buffer: ArrayBuffer): void {
    const n = buffer.byteLength;
    // a transferred (detached) buffer has length 0: nothing to keep
    if (n === 0 || this.retainedBytes + n > this.maxBytes) return;
    let list = this.free.get(n);
    if (!list) this.free.set(n, (list = []));
    list.push(buffer);
    this.retainedBytes += n;
  }

  get bytes(): number {
    return this.retainedBytes;
  }
}
