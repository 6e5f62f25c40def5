import { decodeBytesElements, encodeBytesElements } from './bytes-tensor';

describe('bytes-tensor', () => {
  it('writes a 4-byte little-endian length before each element', () => {
    const data = Buffer.from(encodeBytesElements([Buffer.from('ab'), Buffer.alloc(0), Buffer.from([0xff])]));
    expect([...data]).toEqual([2, 0, 0, 0, 0x61, 0x62, 0, 0, 0, 0, 1, 0, 0, 0, 0xff]);
  });

  it('reads back what it wrote, as views', () => {
    const elements = [Buffer.from('hello'), Buffer.alloc(300, 7), Buffer.alloc(0)];
    const decoded = decodeBytesElements(encodeBytesElements(elements), 3);
    expect(Array.isArray(decoded) && decoded.map((e) => Buffer.from(e))).toEqual(elements);
  });

  it.each([
    [[1, 0, 0], undefined, 'element 0 has a truncated 4-byte length prefix at byte 0'],
    [[5, 0, 0, 0, 1, 2], undefined, 'element 0 claims 5 bytes but only 2 follow'],
    [[1, 0, 0, 0, 9], 2, 'holds 1 elements but the shape needs 2'],
  ])('reports %j (count %j) as "%s"', (bytes, count, problem) => {
    expect(decodeBytesElements(new Uint8Array(bytes), count)).toEqual({ problem });
  });
});
