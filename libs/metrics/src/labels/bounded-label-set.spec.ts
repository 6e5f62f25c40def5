import { BoundedLabelSet, reasonToken } from './bounded-label-set';

describe(BoundedLabelSet.name, () => {
  it('admits values up to its limit, then answers the overflow value', () => {
    const sut = new BoundedLabelSet(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((v) => sut.admit(v))).toEqual(['a', 'b', 'other', 'a', 'other', 'b']);
  });
});

describe(reasonToken.name, () => {
  it.each([
    ['Worker died: SIGSEGV', 'worker_died_sigsegv'],
    ['  deadline exceeded!! ', 'deadline_exceeded'],
    [undefined, 'unknown'],
    ['???', 'unknown'],
    ['x'.repeat(100), 'x'.repeat(40)],
  ])('%j -> %j', (raw, token) => {
    expect(reasonToken(raw)).toBe(token);
  });
});
