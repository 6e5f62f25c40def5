import { BufferPool } from './buffer-pool';

describe(BufferPool.name, () => {
  it('hands back a released buffer of the same size instead of allocating', () => {
    const sut = new BufferPool(1024);
    const first = sut.acquire(64);
    sut.release(first);
    expect(sut.acquire(64)).toBe(first);
    expect(sut.acquire(64)).not.toBe(first);
    expect({ hits: sut.hits, misses: sut.misses }).toEqual({ hits: 1, misses: 2 });
  });

  it('keys by exact size', () => {
    const sut = new BufferPool(1024);
    sut.release(new ArrayBuffer(32));
    expect(sut.acquire(64).byteLength).toBe(64);
    expect(sut.misses).toBe(1);
  });

  it('keeps at most maxBytes and ignores detached buffers', () => {
    const sut = new BufferPool(100);
    sut.release(new ArrayBuffer(60));
    sut.release(new ArrayBuffer(60));
    expect(sut.bytes).toBe(60);
    const detached = new ArrayBuffer(8);
    structuredClone(detached, { transfer: [detached] });
    sut.release(detached);
    expect(sut.bytes).toBe(60);
  });
});
