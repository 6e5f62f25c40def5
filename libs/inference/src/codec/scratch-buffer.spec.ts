import { ScratchBuffer } from './scratch-buffer';

describe(ScratchBuffer.name, () => {
  it('gives the same buffer again while it is large enough', () => {
    const sut = new ScratchBuffer();
    const first = sut.take(100_000);
    sut.give(first);
    const second = sut.take(50_000);
    expect(second).toBe(first);
    sut.give(second);
  });

  it('replaces it with a larger one when asked for more', () => {
    const sut = new ScratchBuffer();
    const small = sut.take(70_000);
    sut.give(small);
    const large = sut.take(200_000);
    expect(large).not.toBe(small);
    expect(large.length).toBeGreaterThanOrEqual(200_000);
    sut.give(large);
  });

  it('drops a buffer over the kept size when it comes back', () => {
    const sut = new ScratchBuffer(100_000);
    const big = sut.take(150_000);
    sut.give(big);
    const next = sut.take(10);
    expect(next).not.toBe(big);
    expect(next.length).toBeLessThan(150_000);
    sut.give(next);
  });

  it('refuses a second take before the first is given back', () => {
    const sut = new ScratchBuffer();
    sut.take(10);
    expect(() => sut.take(10)).toThrow('still in use');
  });
});
