import { ModelUsage } from './model-usage';

describe(ModelUsage.name, () => {
  it('drains once every holder has released, each release counting once', async () => {
    const sut = new ModelUsage();
    const a = sut.acquire('m@1');
    const b = sut.acquire('m@1');
    let drained = false;
    const waiting = sut.drained('m@1').then(() => (drained = true));
    a();
    a();
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false);
    expect(sut.inUse('m@1')).toBe(1);
    b();
    await waiting;
    expect(drained).toBe(true);
    expect(sut.inUse('m@1')).toBe(0);
  });

  it('is drained at once for a key nobody holds', async () => {
    await expect(new ModelUsage().drained('x@1')).resolves.toBeUndefined();
  });
});
