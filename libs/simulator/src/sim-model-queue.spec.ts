import { createPrng } from './prng';
import type { SimJob } from './sim-job.interface';
import { SimModelQueue } from './sim-model-queue';

const job = (seq: number, batchSize: number): SimJob => ({
  seq,
  classIndex: 0,
  modelKey: 'm',
  batchSize,
  arrivedAt: 0,
  client: -1,
  deviceIndex: 0,
});

/** Independent reference: pack the FIFO greedily from the head. */
function pack(sizes: number[], maxBatch: number): number[] {
  const batches: number[] = [];
  for (const b of sizes) {
    const last = batches.length - 1;
    if (last >= 0 && maxBatch > 0 && batches[last] + b <= maxBatch) batches[last] += b;
    else batches.push(b);
  }
  return batches;
}

describe(SimModelQueue.name, () => {
  it.each([0, 8])('keeps the greedy packing and its work through pushes and takes (max batch %p)', (maxBatch) => {
    const sut = new SimModelQueue('m', maxBatch);
    const random = createPrng(maxBatch + 1);
    const fifo: number[] = [];
    const est = (rows: number) => 3 + 2 * rows;
    for (let step = 0; step < 5000; step++) {
      if (random() < 0.55 || sut.jobCount === 0) {
        const b = 1 + Math.floor(random() * 5);
        sut.push(job(step, b));
        fifo.push(b);
      } else {
        const expected = pack(fifo, maxBatch)[0];
        const { jobs, rows } = sut.takeBatch();
        expect(rows).toBe(expected);
        expect(jobs.reduce((s, j) => s + j.batchSize, 0)).toBe(expected);
        fifo.splice(0, jobs.length);
      }
      const batches = pack(fifo, maxBatch);
      expect(sut.batchCount).toBe(batches.length);
      expect(sut.lastBatchRows).toBe(batches.length ? batches[batches.length - 1] : 0);
      const all = batches.reduce((s, r) => s + est(r), 0);
      expect(sut.workMs(est, false)).toBeCloseTo(all, 9);
      if (batches.length > 0) expect(sut.workMs(est, true)).toBeCloseTo(all - est(batches[batches.length - 1]), 9);
    }
  });
});
