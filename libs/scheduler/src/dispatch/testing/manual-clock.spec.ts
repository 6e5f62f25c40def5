import { ManualClock } from './manual-clock';

describe(ManualClock.name, () => {
  it('fires due timers in time order, at their own time, and skips cleared ones', () => {
    const sut = new ManualClock(100);
    const fired: Array<[string, number]> = [];
    sut.setTimer(() => fired.push(['b', sut.now()]), 20);
    const cleared = sut.setTimer(() => fired.push(['x', sut.now()]), 5);
    sut.setTimer(() => {
      fired.push(['a', sut.now()]);
      sut.setTimer(() => fired.push(['c', sut.now()]), 1);
    }, 10);
    sut.clearTimer(cleared);
    sut.advance(15);
    expect(fired).toEqual([
      ['a', 110],
      ['c', 111],
    ]);
    expect(sut.now()).toBe(115);
    sut.advance(100);
    expect(fired[2]).toEqual(['b', 120]);
    expect(sut.pendingTimers).toBe(0);
  });
});
