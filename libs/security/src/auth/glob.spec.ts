import { globMatcher } from './glob';

describe(globMatcher.name, () => {
  it.each([
    [['mlp_*'], 'mlp_tiny', true],
    [['mlp_*'], 'cnn_small', false],
    [['mlp_*'], 'xmlp_tiny', false],
    [['cpu:*', 'gpu:*'], 'gpu:0', true],
    [['cpu:*', 'gpu:*'], 'npu:0', false],
    [['gpu:?'], 'gpu:1', true],
    [['gpu:?'], 'gpu:10', false],
    [['a.b'], 'axb', false],
    [['exact'], 'exact', true],
    [[], 'anything', false],
  ])('%j matches %s: %s', (globs, value, expected) => {
    expect(globMatcher(globs)(value)).toBe(expected);
  });

  it('allows everything without a list', () => {
    expect(globMatcher(undefined)('whatever')).toBe(true);
  });
});
