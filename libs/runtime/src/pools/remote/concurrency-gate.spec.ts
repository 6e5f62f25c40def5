import { ConcurrencyGate } from './concurrency-gate';

describe(ConcurrencyGate.name, () => {
  it('lets `limit` holders in and the others in arrival order as slots free', async () => {
    const sut = new ConcurrencyGate(2);
    const order: string[] = [];
    const a = await sut.acquire();
    const b = await sut.acquire();
    const c = sut.acquire().then((release) => (order.push('c'), release));
    const d = sut.acquire().then((release) => (order.push('d'), release));
    await Promise.resolve();
    expect([sut.inUse, order]).toEqual([2, []]);
    a();
    a(); // a second release of the same slot is ignored
    const releaseC = await c;
    expect([sut.inUse, order]).toEqual([2, ['c']]);
    b();
    (await d)();
    releaseC();
    expect([sut.inUse, order]).toEqual([0, ['c', 'd']]);
  });

  it('drops a waiter whose signal aborts, without taking a slot', async () => {
    const sut = new ConcurrencyGate(1);
    const held = await sut.acquire();
    const controller = new AbortController();
    const waiting = sut.acquire(controller.signal);
    controller.abort(new Error('hung'));
    await expect(waiting).rejects.toThrow('hung');
    held();
    expect(sut.inUse).toBe(0);
    (await sut.acquire())();
  });
});
