import { OverloadedError, PayloadTooLargeError } from '@switchyard/common';
import { InflightBytesGate } from './inflight-bytes.gate';

describe(InflightBytesGate.name, () => {
  it('admits up to the limit and refuses what would pass it with a 429 and Retry-After', () => {
    const sut = new InflightBytesGate(100);
    sut.admit(60);
    sut.admit(40);
    expect(sut.bytesInFlight).toBe(100);
    let refusal: unknown;
    try {
      sut.admit(1);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(OverloadedError);
    expect((refusal as OverloadedError).retryAfterSeconds).toBe(1);
    expect((refusal as Error).message).toContain('SWITCHYARD_MAX_INFLIGHT_BYTES (100)');
    expect(sut.bytesInFlight).toBe(100); // a refusal holds nothing
  });

  it('admits again once bytes are released', () => {
    const sut = new InflightBytesGate(100);
    sut.admit(100);
    sut.release(30);
    sut.admit(30);
    expect(sut.bytesInFlight).toBe(100);
  });

  it('refuses a body larger than the whole limit with a 413, even when nothing is in flight', () => {
    const sut = new InflightBytesGate(100);
    expect(() => sut.admit(101)).toThrow(PayloadTooLargeError);
  });

  it('admits everything when the limit is 0', () => {
    const sut = new InflightBytesGate(0);
    sut.admit(2 ** 40);
    expect(sut.bytesInFlight).toBe(0);
  });

  it('never goes below zero on a release it did not admit', () => {
    const sut = new InflightBytesGate(100);
    sut.release(50);
    sut.admit(100);
    expect(sut.bytesInFlight).toBe(100);
  });
});
