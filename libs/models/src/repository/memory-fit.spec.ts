import { fitDevices } from './memory-fit';

const MIB = 2 ** 20;

describe(fitDevices.name, () => {
  it('fits a model where its sessions fit the free budget, and says why elsewhere', () => {
    const result = fitDevices(10 * MIB, [
      { deviceId: 'cpu:0', sessions: 2, budgetBytes: 64 * MIB, pinnedBytes: 40 * MIB },
      { deviceId: 'gpu:0', sessions: 1, budgetBytes: 16 * MIB, pinnedBytes: 8 * MIB },
    ]);
    expect(result.fit).toEqual(['cpu:0']);
    expect(result.refused).toEqual({ 'gpu:0': 'needs 10.0 MiB (1 session(s) of 10.0 MiB), 8.0 MiB free of a 16.0 MiB budget' });
  });

  it('counts every session of a pool', () => {
    expect(fitDevices(10 * MIB, [{ deviceId: 'cpu:0', sessions: 4, budgetBytes: 39 * MIB, pinnedBytes: 0 }]).fit).toEqual([]);
  });
});
