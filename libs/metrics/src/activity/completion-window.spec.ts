import { CompletionWindow } from './completion-window';

/** Independent reference: nearest-rank quantile of the values recorded in (now - window, now]. */
function reference(records: Array<[number, number]>, now: number, windowMs: number, q: number): number | null {
  const inWindow = records.filter(([t]) => t > now - windowMs && t <= now).map(([, v]) => v);
  if (inWindow.length === 0) return null;
  inWindow.sort((a, b) => a - b);
  const rank = Math.ceil(q * inWindow.length);
  return inWindow[rank - 1];
}

describe(CompletionWindow.name, () => {
  it('counts completions per second and quantiles only within the window', () => {
    const sut = new CompletionWindow(10_000);
    const records: Array<[number, number]> = [];
    let seed = 7;
    for (let i = 0; i < 3000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const t = i * 10; // one completion every 10 ms over 30 s
      const latency = 0.2 + (seed % 1000) / 10;
      records.push([t, latency]);
      sut.record(t, latency);
    }
    const now = 29_990;
    expect(sut.throughputPerSecond(now)).toBeCloseTo(1000 / 10, 5); // 1000 records in 10 s
    for (const q of [0.5, 0.9, 0.99, 1]) expect(sut.quantile(now, q)).toBe(reference(records, now, 10_000, q));
  });

  it('is empty after the window has passed', () => {
    const sut = new CompletionWindow(1000);
    sut.record(100, 5);
    sut.record(200, 7);
    expect(sut.quantile(500, 0.5)).toBe(5);
    expect(sut.throughputPerSecond(1300)).toBe(0);
    expect(sut.quantile(1300, 0.5)).toBeNull();
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const sut = new CompletionWindow(60_000, 100);
    for (let i = 0; i < 250; i++) sut.record(i, i);
    expect(sut.throughputPerSecond(250)).toBeCloseTo(100 / 60, 10);
    expect(sut.quantile(250, 0.01)).toBe(150);
  });
});
