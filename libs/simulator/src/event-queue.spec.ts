import { EventQueue } from './event-queue';
import { seededRandom } from '@switchyard/common';

describe(EventQueue.name, () => {
  it('pops by time, and FIFO among equal times', () => {
    const sut = new EventQueue<string>();
    const random = seededRandom(3);
    const pushed: { time: number; payload: string }[] = [];
    for (let i = 0; i < 500; i++) {
      const time = Math.floor(random() * 50);
      pushed.push({ time, payload: `e${i}` });
      sut.push(time, `e${i}`);
    }
    const expected = [...pushed].sort((a, b) => a.time - b.time).map((e) => e.payload); // stable sort
    const popped: string[] = [];
    for (let e = sut.pop(); e !== undefined; e = sut.pop()) popped.push(e.payload);
    expect(popped).toEqual(expected);
    expect(sut.size).toBe(0);
  });
});
