import { heapGrowthFlag } from './heap-growth';

describe('heapGrowthFlag', () => {
  it('sets the configured percent', () => {
    expect(heapGrowthFlag(100, [])).toBe('--heap-growing-percent=100');
    expect(heapGrowthFlag(250, ['--enable-source-maps'])).toBe('--heap-growing-percent=250');
  });

  it("leaves V8's own choice with 0", () => {
    expect(heapGrowthFlag(0, [])).toBeUndefined();
    expect(heapGrowthFlag(undefined, [])).toBeUndefined();
  });

  it('leaves a value given on the command line as it is, in either spelling', () => {
    expect(heapGrowthFlag(100, ['--heap-growing-percent=300'])).toBeUndefined();
    expect(heapGrowthFlag(100, ['--heap_growing_percent=300'])).toBeUndefined();
  });
});
