import type { ServedModel } from '@switchyard/models';
import { batchingSettings, ModelBatchQueue } from './model-batch-queue';
import { queuedJob } from './testing/queued-job.fixture';

function model(maxBatchSize: number, dynamic?: ServedModel['config']['dynamic_batching']): ServedModel {
  return { key: 'm@1', maxBatchSize, config: { max_batch_size: maxBatchSize, dynamic_batching: dynamic } } as ServedModel;
}

describe(ModelBatchQueue.name, () => {
  it('reads max_batch_size and the queue delay (microseconds) from the model config', () => {
    expect(batchingSettings(model(32, { max_queue_delay_microseconds: 2500, preferred_batch_size: [8] }))).toEqual({
      maxBatchSize: 32,
      maxQueueDelayMs: 2.5,
      preferredBatchSizes: [8],
    });
    expect(batchingSettings(model(0)).maxQueueDelayMs).toBe(0);
  });

  it('never batches a model with max_batch_size 0', () => {
    const m = model(0);
    const sut = new ModelBatchQueue(m.key, batchingSettings(m));
    const jobs = [queuedJob(m), queuedJob(m)];
    jobs.forEach((j) => sut.jobs.push(j));
    expect(sut.readyAt()).toBe(0);
    expect(sut.take()).toEqual([jobs[0]]);
    expect(sut.take()).toEqual([jobs[1]]);
  });

  it('holds a batch that is not full until its oldest job waited the queue delay', () => {
    const m = model(8, { max_queue_delay_microseconds: 4000 });
    const sut = new ModelBatchQueue(m.key, batchingSettings(m));
    sut.jobs.push(queuedJob(m, { rows: 2, enqueuedAt: 10 }));
    sut.jobs.push(queuedJob(m, { rows: 3, enqueuedAt: 11 }));
    expect(sut.readyAt()).toBe(14);
  });

  it('does not hold a batch so long that a job in it would miss its deadline', () => {
    const m = model(8, { max_queue_delay_microseconds: 4000 });
    const sut = new ModelBatchQueue(m.key, batchingSettings(m));
    sut.jobs.push(queuedJob(m, { rows: 2, enqueuedAt: 10 }));
    const urgent = queuedJob(m, { rows: 1, enqueuedAt: 11 });
    urgent.deadlineAt = 13;
    sut.jobs.push(urgent);
    expect(sut.readyAt((rows) => rows * 0.5)).toBe(13 - 1.5);
    urgent.deadlineAt = 5;
    expect(sut.readyAt((rows) => rows * 0.5)).toBe(10);
  });

  it('sends a full batch at once and leaves what does not fit for the next one', () => {
    const m = model(8, { max_queue_delay_microseconds: 4000 });
    const sut = new ModelBatchQueue(m.key, batchingSettings(m));
    const jobs = [5, 2, 4, 1].map((rows, i) => queuedJob(m, { rows, enqueuedAt: i }));
    jobs.forEach((j) => sut.jobs.push(j));
    expect(sut.readyAt()).toBe(0);
    expect(sut.take()).toEqual([jobs[0], jobs[1], jobs[3]]);
    expect(sut.queuedWork((_, rows) => rows)).toMatchObject({ batches: 1, openRows: 4, allMs: 4 });
    expect(sut.readyAt()).toBe(2 + 4);
  });

  it('merges only compatible jobs, in priority order', () => {
    const m = model(16, { max_queue_delay_microseconds: 0 });
    const sut = new ModelBatchQueue(m.key, batchingSettings(m));
    const low = queuedJob(m, { level: 5 });
    const otherShape = queuedJob(m, { level: 1, width: 4 });
    const high = queuedJob(m, { level: 2 });
    const otherOutputs = queuedJob(m, { level: 2, outputs: ['output'] });
    [low, otherShape, high, otherOutputs].forEach((j) => sut.jobs.push(j));
    expect(sut.take()).toEqual([otherShape]);
    expect(sut.take()).toEqual([high, low]);
    expect(sut.take()).toEqual([otherOutputs]);
  });

  it('predicts the queued work as full batches and one open batch of the rest', () => {
    const m = model(4);
    const sut = new ModelBatchQueue(m.key, batchingSettings(m));
    [3, 1, 3, 2, 1].forEach((rows) => sut.jobs.push(queuedJob(m, { rows })));
    const serviceMs = (_: string, rows: number) => 1 + rows;
    expect(sut.queuedWork(serviceMs)).toEqual({ batches: 3, openRows: 2, openMs: 3, allMs: 5 + 5 + 3 });
  });

  it('runs each job of a model that does not batch alone', () => {
    const m = model(0);
    const sut = new ModelBatchQueue(m.key, batchingSettings(m));
    [3, 1, 3].forEach((rows) => sut.jobs.push(queuedJob(m, { rows })));
    expect(sut.queuedWork((_, rows) => 10 * rows)).toEqual({ batches: 3, openRows: 0, openMs: 0, allMs: 70 });
  });

  it('reuses the queued work until the queue or the estimator version changes', () => {
    const m = model(4);
    const sut = new ModelBatchQueue(m.key, batchingSettings(m));
    let calls = 0;
    const serviceMs = (_: string, rows: number) => (calls++, rows);
    sut.jobs.push(queuedJob(m, { rows: 2 }));
    expect(sut.queuedWork(serviceMs, 1).allMs).toBe(2);
    const after = calls;
    expect(sut.queuedWork(serviceMs, 1).allMs).toBe(2);
    expect(calls).toBe(after);
    sut.jobs.push(queuedJob(m, { rows: 1 }));
    expect(sut.queuedWork(serviceMs, 1).allMs).toBe(3);
    expect(sut.queuedWork((_, rows) => 2 * rows, 2).allMs).toBe(6);
    expect(sut.queuedWork((_, rows) => 3 * rows).allMs).toBe(9);
  });
});
