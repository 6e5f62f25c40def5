import type { ServedModel } from '@switchyard/models';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoServedModel } from '../dispatch/testing/demo-served-model';
import { InlineOrtPool } from '../dispatch/testing/inline-ort-pool';
import { calibratePair, sweepBatchSizes } from './calibrate-pair';

describe(calibratePair.name, () => {
  it.each([
    [64, 32, [1, 2, 4, 8, 16, 32]],
    [48, 64, [1, 2, 4, 8, 16, 32, 48]],
    [0, 32, [1]],
    [1, 32, [1]],
  ])('sweeps max_batch_size %d capped at %d as %j', (maxBatchSize, cap, sizes) => {
    expect(sweepBatchSizes({ maxBatchSize } as ServedModel, cap)).toEqual(sizes);
  });

  it('stops at the time budget but always measures batch 1 (one warm-up, one run)', async () => {
    const { model, path } = await demoServedModel(mkdtempSync(join(tmpdir(), 'sy-sweep-')), 'mlp_tiny');
    const pool = new InlineOrtPool('cpu:0', 1);
    await pool.loadModel({ key: model.key, path });
    const sut = await calibratePair(pool, model, { budgetMs: 0, maxBatch: 64 });
    expect(sut).toMatchObject({ model: 'mlp_tiny@1', deviceId: 'cpu:0', truncated: true });
    expect(sut.points.map((p) => [p.batchSize, p.runs])).toEqual([[1, 1]]);
    expect(pool.runs).toHaveLength(2);
    await pool.close();
  });

  it('keeps warming up while runs still get much faster (a GPU compiling shaders), then measures', async () => {
    const { model, path } = await demoServedModel(mkdtempSync(join(tmpdir(), 'sy-sweep-')), 'mlp_tiny');
    // real runs, the first three reported 100, 50 and 25 ms slower: a device that warms up
    class WarmingPool extends InlineOrtPool {
      override async run(task: Parameters<InlineOrtPool['run']>[0]) {
        const result = await super.run(task);
        result.timings.runMs += [100, 50, 25][this.runs.length - 1] ?? 0;
        return result;
      }
    }
    const pool = new WarmingPool('cpu:0', 1);
    await pool.loadModel({ key: model.key, path });
    const sut = await calibratePair(pool, model, { budgetMs: 60_000, maxBatch: 1 });
    // warm-up: 150, 75, 50 ms, then a settled run (and perhaps one more on timing noise); 3 measured runs
    expect(pool.runs.length).toBeGreaterThanOrEqual(4 + 3);
    expect(pool.runs.length).toBeLessThanOrEqual(8 + 3);
    expect(sut.points).toHaveLength(1);
    expect(sut.points[0].ms).toBeLessThan(20);
    await pool.close();
  });

  it('reports a pair that cannot run instead of throwing', async () => {
    const { model } = await demoServedModel(mkdtempSync(join(tmpdir(), 'sy-sweep-')), 'mlp_tiny');
    const pool = new InlineOrtPool('cpu:0', 1);
    const sut = await calibratePair(pool, model, { budgetMs: 1000, maxBatch: 8 });
    expect(sut.points).toEqual([]);
    expect(sut.error).toBe('model mlp_tiny@1 is not loaded on cpu:0');
  });
});
