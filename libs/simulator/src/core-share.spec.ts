import { CoreShare } from './core-share';

const HOST = -1;

describe(CoreShare.name, () => {
  it('runs tasks at full speed while they fit on the cores', () => {
    const sut = new CoreShare<string>(2, []);
    sut.add(0, 10, HOST, 1, 'a');
    sut.add(0, 4, HOST, 1, 'b');
    expect(sut.nextDoneAt()).toBe(4);
    expect(sut.takeDone(4)).toEqual(['b']);
    expect(sut.nextDoneAt()).toBe(10);
    expect(sut.takeDone(10)).toEqual(['a']);
    expect(sut.nextDoneAt()).toBeUndefined();
  });

  it('slows every task by cores / demand while they do not fit', () => {
    // 3 single-core tasks of 6 ms on 2 cores: each at 2/3 speed, all done at 9 ms
    const sut = new CoreShare<number>(2, [3]);
    for (const i of [1, 2, 3]) sut.add(0, 6, 0, 1, i);
    expect(sut.nextDoneAt()).toBeCloseTo(9, 9);
    expect(sut.takeDone(9)).toEqual([1, 2, 3]);
  });

  it('speeds the rest up again when a task ends (work is conserved)', () => {
    // a 2-core run (a software GPU) and a 1-core run on 2 cores: rate 2/3 until the short one
    // ends after 2 ms of work (3 ms), then full speed for the 4 ms left of the long one
    const sut = new CoreShare<string>(2, [1, 1]);
    sut.add(0, 6, 1, 2, 'gpu');
    sut.add(0, 2, 0, 1, 'cpu');
    const firstAt = sut.nextDoneAt()!;
    expect(firstAt).toBeCloseTo(3, 9);
    expect(sut.takeDone(firstAt)).toEqual(['cpu']);
    expect(sut.nextDoneAt()).toBeCloseTo(7, 9);
    const generation = sut.generation;
    sut.add(5, 1, HOST, 1, 'late'); // at 5 ms: 2 ms of gpu work left, now shared again
    expect(sut.generation).toBeGreaterThan(generation);
    expect(sut.nextDoneAt()).toBeCloseTo(6.5, 9);
  });

  it('shares a device among more runs than it runs at once, without host cores', () => {
    // a GPU queue (parallel 1) given two 10 ms runs: each at half speed, both done at 20 ms
    const sut = new CoreShare<string>(undefined, [1]);
    sut.add(0, 10, 0, 0, 'a');
    sut.add(0, 10, 0, 0, 'b');
    expect(sut.nextDoneAt()).toBeCloseTo(20, 9);
    expect(sut.takeDone(20)).toEqual(['a', 'b']);
  });

  it('a device sharing its speed uses host cores in proportion', () => {
    // two runs on a parallel-1 device, 2 cores each at full speed: together 2 cores, which fit
    const sut = new CoreShare<string>(2, [1]);
    sut.add(0, 10, 0, 2, 'a');
    sut.add(0, 10, 0, 2, 'b');
    expect(sut.nextDoneAt()).toBeCloseTo(20, 9);
  });

  it("gives other processes' background demand its part of the cores", () => {
    // one 1-core task of 6 ms on 2 cores beside 2 cores of background: demand 3, rate 2/3, done at 9 ms
    const sut = new CoreShare<string>(2, [], 2);
    sut.add(0, 6, HOST, 1, 'a');
    expect(sut.nextDoneAt()).toBeCloseTo(9, 9);
    // 1 core of background leaves a 1-core task its full speed
    const quiet = new CoreShare<string>(2, [], 1);
    quiet.add(0, 6, HOST, 1, 'a');
    expect(quiet.nextDoneAt()).toBeCloseTo(6, 9);
  });
});
