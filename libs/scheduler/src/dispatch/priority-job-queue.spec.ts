import type { ServedModel } from '@switchyard/models';
import { PriorityJobQueue } from './priority-job-queue';
import { queuedJob } from './testing/queued-job.fixture';

const model = { key: 'm@1', maxBatchSize: 8, config: {} } as ServedModel;

describe(PriorityJobQueue.name, () => {
  it('orders by level (1 first), then by arrival within a level', () => {
    const sut = new PriorityJobQueue();
    const jobs = [3, 1, 3, 2, 1].map((level) => queuedJob(model, { level }));
    jobs.forEach((j) => sut.push(j));
    expect([...sut.entries()]).toEqual([jobs[1], jobs[4], jobs[3], jobs[0], jobs[2]]);
    expect(sut.peek()).toBe(jobs[1]);
  });

  it('counts jobs and rows and forgets removed jobs', () => {
    const sut = new PriorityJobQueue();
    const a = queuedJob(model, { rows: 3, level: 2 });
    const b = queuedJob(model, { rows: 5, level: 1 });
    sut.push(a);
    sut.push(b);
    expect([sut.size, sut.rows]).toEqual([2, 8]);
    expect(sut.remove(b)).toBe(true);
    expect(sut.remove(b)).toBe(false);
    expect([sut.size, sut.rows, sut.peek()]).toEqual([1, 3, a]);
    expect(sut.clear()).toEqual([a]);
    expect([sut.size, sut.rows, sut.peek()]).toEqual([0, 0, undefined]);
  });
});
