import { FIRST_RUN_ALLOWANCE_MS, runBoundMs } from './run-bound';

describe('runBoundMs', () => {
  const derived = { runTimeoutMs: 0, runTimeoutFactor: 20, runTimeoutFloorMs: 5000 };

  it('is the factor times the prediction, at least the floor', () => {
    expect(runBoundMs(derived, 10)).toBe(5000);
    expect(runBoundMs(derived, 400)).toBe(8000);
  });

  it("adds the first-run allowance to a device's first run of a model", () => {
    expect(FIRST_RUN_ALLOWANCE_MS).toBe(30_000);
    expect(runBoundMs(derived, 0, true)).toBe(35_000);
    expect(runBoundMs(derived, 400, true)).toBe(38_000);
  });

  it('is SWITCHYARD_RUN_TIMEOUT_MS whenever that is set, first run or not', () => {
    const fixed = { ...derived, runTimeoutMs: 1500 };
    expect(runBoundMs(fixed, 400)).toBe(1500);
    expect(runBoundMs(fixed, 0, true)).toBe(1500);
  });
});
