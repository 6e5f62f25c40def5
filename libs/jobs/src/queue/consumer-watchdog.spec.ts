import { type ConsumerObservation, ConsumerWatchdog } from './consumer-watchdog';

const idle = (now: number, over: Partial<ConsumerObservation> = {}): ConsumerObservation => ({
  now,
  waiting: 5,
  inFlight: 0,
  concurrency: 2,
  paused: false,
  lastStartedAt: 0,
  ...over,
});

describe(ConsumerWatchdog.name, () => {
  it('kicks after jobs waited stuckMs with free slots, then recreates if still stuck', () => {
    const sut = new ConsumerWatchdog(1000);
    expect(sut.observe(idle(10_000))).toBe('none');
    expect(sut.observe(idle(10_900))).toBe('none');
    expect(sut.observe(idle(11_000))).toBe('kick');
    expect(sut.observe(idle(11_500))).toBe('none');
    expect(sut.observe(idle(12_000))).toBe('recreate');
    expect(sut.observe(idle(13_000))).toBe('recreate');
  });

  it('starts over once a job starts again', () => {
    const sut = new ConsumerWatchdog(1000);
    sut.observe(idle(0));
    expect(sut.observe(idle(1000))).toBe('kick');
    expect(sut.observe(idle(1500, { lastStartedAt: 1400 }))).toBe('none');
    expect(sut.observe(idle(2400, { lastStartedAt: 1400 }))).toBe('kick');
  });

  it.each([
    ['nothing waits', { waiting: 0 }],
    ['every slot is busy', { inFlight: 2 }],
    ['consumption is paused on purpose', { paused: true }],
  ])('never acts when %s', (_why, over) => {
    const sut = new ConsumerWatchdog(1000);
    for (let t = 0; t <= 10_000; t += 500) expect(sut.observe(idle(t, over))).toBe('none');
  });
});
