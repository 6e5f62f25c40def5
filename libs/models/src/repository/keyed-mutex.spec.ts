import { KeyedMutex } from './keyed-mutex';

describe(KeyedMutex.name, () => {
  it('runs work on one key in arrival order, one at a time, even when one fails', async () => {
    const sut = new KeyedMutex();
    const log: string[] = [];
    const step = (name: string, ms: number, fail = false) => async () => {
      log.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}-`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([sut.run('m', step('a', 20)), sut.run('m', step('b', 1, true)), sut.run('m', step('c', 1))]);
    expect(log).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(sut.busy('m')).toBe(false);
  });

  it('lets different keys run at the same time', async () => {
    const sut = new KeyedMutex();
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`${name}+`);
      await new Promise((r) => setTimeout(r, 10));
      log.push(`${name}-`);
    };
    await Promise.all([sut.run('x', step('x')), sut.run('y', step('y'))]);
    expect(log.slice(0, 2).sort()).toEqual(['x+', 'y+']);
  });
});
