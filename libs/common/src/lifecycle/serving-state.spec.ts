import { UnavailableError } from '../errors/http-errors';
import { ServingState } from './serving-state';

describe(ServingState.name, () => {
  it('moves from serving to draining (not ready, still accepting) to refusing (503 with Retry-After)', () => {
    const sut = new ServingState();
    expect([sut.phase, sut.ready]).toEqual(['serving', true]);
    expect(() => sut.assertAccepting()).not.toThrow();
    sut.startDraining();
    expect([sut.phase, sut.ready]).toEqual(['draining', false]);
    expect(() => sut.assertAccepting()).not.toThrow();
    sut.refuseNew();
    expect(sut.phase).toBe('refusing');
    let error: unknown;
    try {
      sut.assertAccepting();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).retryAfterSeconds).toBe(1);
    sut.startDraining();
    expect(sut.phase).toBe('refusing');
  });

  it('counts admitted requests until they settle, whether they succeed or fail', async () => {
    const sut = new ServingState();
    let finish!: (v: string) => void;
    const ok = sut.whileServing(new Promise<string>((resolve) => (finish = resolve)));
    const failed = sut.whileServing(Promise.reject(new Error('boom'))).catch((e: Error) => e.message);
    expect(sut.inFlight).toBe(2);
    expect(await failed).toBe('boom');
    expect(sut.inFlight).toBe(1);
    finish('done');
    expect(await ok).toBe('done');
    expect(sut.inFlight).toBe(0);
  });

  it('answers every waiting request 503 when the drain abandons them, and later ones at once', async () => {
    const sut = new ServingState();
    const never = new Promise<string>(() => undefined);
    const waiting = [sut.whileServing(never).catch((e: unknown) => e), sut.whileServing(never).catch((e: unknown) => e)];
    sut.abandonWaiting();
    for (const error of await Promise.all(waiting)) {
      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as Error).message).toContain('shutting down');
    }
    expect(sut.inFlight).toBe(0);
    await expect(sut.whileServing(never)).rejects.toThrow(UnavailableError);
  });
});
