import { isConnectionError, parseRetryAfter, retryDelayMs, sleep } from './retry-policy';

describe(retryDelayMs.name, () => {
  const options = { retries: 5, baseDelayMs: 50, maxDelayMs: 300 };

  it.each([
    [1, 0, 0],
    [1, 0.999, 50],
    [2, 0.999, 100],
    [3, 0.5, 100],
    [4, 0.999, 300], // capped at maxDelayMs
    [9, 0.999, 300],
  ])('retry %i with random %d waits about %d ms', (attempt, random, ms) => {
    expect(retryDelayMs(attempt, options, undefined, () => random)).toBeCloseTo(ms, 0);
  });

  it('never waits less than Retry-After, and still spreads clients out', () => {
    expect(retryDelayMs(1, options, 2000, () => 0)).toBe(2000);
    expect(retryDelayMs(1, options, 2000, () => 0.999)).toBeGreaterThan(2000);
  });
});

describe(parseRetryAfter.name, () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Sun, 29 Nov 2026 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe(isConnectionError.name, () => {
  it('retries refused and reset connections, not aborts or other errors', async () => {
    const refused = await fetch('http://127.0.0.1:1/').catch((e: unknown) => e);
    expect(isConnectionError(refused)).toBe(true);
    expect(isConnectionError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toBe(true);
    const aborted = await fetch('http://127.0.0.1:1/', { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(isConnectionError(aborted)).toBe(false);
    expect(isConnectionError(new Error('boom'))).toBe(false);
  });
});

describe(sleep.name, () => {
  it('rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    const waiting = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
