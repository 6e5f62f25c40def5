import { ceilPriority } from './ceil-priority';

describe(ceilPriority.name, () => {
  it.each([
    ['no ceiling keeps the ask', 1, undefined, 5, { priority: 1 }],
    ['no ceiling and no ask', undefined, undefined, 5, {}],
    ['an ask above the ceiling is lowered to it', 1, 3, 5, { priority: 3, clampedFrom: 1 }],
    ['an ask at the ceiling stays', 3, 3, 5, { priority: 3 }],
    ['an ask below the ceiling stays', 7, 3, 5, { priority: 7 }],
    ['the default level within the ceiling: nothing to clamp', undefined, 3, 5, {}],
    ['the default level above the ceiling is lowered', undefined, 7, 5, { priority: 7, clampedFrom: 0 }],
    ['priority 0 means the default level', 0, 7, 5, { priority: 7, clampedFrom: 0 }],
  ])('%s', (_what, asked, ceiling, defaultLevel, expected) => {
    expect(ceilPriority(asked, ceiling, defaultLevel)).toEqual(expected);
  });
});
