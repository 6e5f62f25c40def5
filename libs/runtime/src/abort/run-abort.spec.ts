import { RunAbort } from './run-abort';

describe(RunAbort.name, () => {
  it('calls its listeners once, in registration order, with the reason set, and ignores a second abort', () => {
    const sut = new RunAbort();
    const calls: string[] = [];
    sut.once('abort', () => calls.push(`first:${String(sut.reason)}`));
    sut.once('abort', () => calls.push('second'));
    sut.abort('no answer after 200 ms');
    sut.abort('again');
    expect(calls).toEqual(['first:no answer after 200 ms', 'second']);
    expect(sut.aborted).toBe(true);
    expect(sut.reason).toBe('no answer after 200 ms');
  });

  it('does not call a listener taken off with off()', () => {
    const sut = new RunAbort();
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    sut.once('abort', a);
    sut.once('abort', b);
    sut.off('abort', a);
    sut.abort('x');
    expect(calls).toEqual(['b']);
  });

  it('mirrors itself into an AbortSignal made on first use, before or after the abort', () => {
    const before = new RunAbort();
    const signal = before.signal;
    expect(signal.aborted).toBe(false);
    before.abort('hung');
    expect([signal.aborted, signal.reason]).toEqual([true, 'hung']);
    const after = new RunAbort();
    after.abort('late');
    expect([after.signal.aborted, after.signal.reason]).toEqual([true, 'late']);
  });
});
