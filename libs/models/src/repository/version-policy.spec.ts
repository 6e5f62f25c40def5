import { servedVersions } from './version-policy';

describe(servedVersions.name, () => {
  it.each([
    [undefined, ['3']],
    [{ latest: { num_versions: 2 } }, ['2', '3']],
    [{ all: {} }, ['1', '2', '3']],
    [{ specific: { versions: [1, 3] } }, ['1', '3']],
  ])('serves %j as %j', (policy, expected) => {
    expect(servedVersions(['2', '3', '1'], policy as never)).toEqual(expected);
  });
});
