import { withTimeout } from './with-timeout';

const after = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('withTimeout', () => {
  it('settles as the promise does when it is in time', async () => {
    await expect(withTimeout(after(5, 'done'), 1000)).resolves.toBe('done');
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000)).rejects.toThrow('refused');
  });

  it('rejects with the given error once the time is up, and ignores a late rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const late = new Promise((_, reject) => setTimeout(() => reject(new Error('too late')), 50));
      await expect(withTimeout(late, 10, () => new Error('no answer'))).rejects.toThrow('no answer');
      await after(100, undefined);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('names the time in its default error', async () => {
    await expect(withTimeout(after(200, 'x'), 10)).rejects.toThrow('no answer within 10 ms');
  });
});
