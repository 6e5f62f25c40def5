import type { RequestRecord } from '../load/request-record.interface';
import { summariseLane } from './summarise-lane';

function record(fields: Partial<RequestRecord>): RequestRecord {
  return { seq: 0, classIndex: 0, model: 'm', batchSize: 1, intendedMs: 0, sentMs: 0, doneMs: 0, latencyMs: 0, ok: true, ...fields };
}

describe(summariseLane.name, () => {
  const devices = [
    { id: 'cpu:0', kind: 'cpu', costWeight: 1, slots: 2 },
    { id: 'gpu:0', kind: 'gpu', costWeight: 3, slots: 1 },
  ];
  const records: RequestRecord[] = [
    record({ seq: 0, intendedMs: 500, doneMs: 900, latencyMs: 400 }), // intended in warm-up: not in latency or throughput
    record({ seq: 1, intendedMs: 1000, doneMs: 1010, latencyMs: 10, deviceId: 'cpu:0', batchSize: 2, executedBatchSize: 4, computeMs: 8 }),
    record({ seq: 2, intendedMs: 1100, doneMs: 1130, latencyMs: 30, deviceId: 'cpu:0', batchSize: 2, executedBatchSize: 4, computeMs: 8 }),
    record({ seq: 3, intendedMs: 1200, doneMs: 1220, latencyMs: 20, deviceId: 'gpu:0', batchSize: 1, executedBatchSize: 1, computeMs: 5 }),
    record({ seq: 4, intendedMs: 1300, doneMs: 1301, latencyMs: 1, ok: false, error: 'HTTP 429' }),
    record({ seq: 5, intendedMs: 2900, doneMs: 4000, latencyMs: 1100, deviceId: 'gpu:0' }), // answered after the window
    record({ seq: 6, intendedMs: 2950, doneMs: 5000, latencyMs: 2050, ok: false, unfinished: true, error: 'unfinished' }),
  ];

  it('counts throughput in the window, latency of requests intended in it, errors apart', () => {
    const sut = summariseLane(
      { lane: 'adaptive', kind: 'policy', subject: 'adaptive' },
      records,
      { warmupMs: 1000, durationMs: 3000 },
      devices,
    );
    expect(sut.windowS).toBe(2);
    expect(sut.requests).toBe(6);
    expect(sut.completed).toBe(3);
    expect(sut.errors).toBe(1);
    expect(sut.unfinished).toBe(1);
    expect(sut.throughputJobsPerS).toBe(1.5);
    expect(sut.throughputRowsPerS).toBe(2.5);
    // latencies of 10, 30, 20, 1100 and the unfinished 2050
    expect(sut.latencyMs).toMatchObject({ count: 5, p50: 30, max: 2050 });
    expect(sut.deviceShare).toEqual({ 'cpu:0': 2 / 3, 'gpu:0': 1 / 3 });
    expect(sut.topErrors).toEqual({ 'HTTP 429': 1 });
  });

  it('charges each job its share of its run, per slot, times the cost weight', () => {
    const sut = summariseLane({ lane: 'x', kind: 'policy', subject: 'x' }, records, { warmupMs: 1000, durationMs: 3000 }, devices);
    // cpu: 2 jobs x 8 ms x (2/4) / 2 slots = 4 ms; gpu: 5 ms x 3 = 15 ms; 19 ms over 5 rows
    expect(sut.costPer1k).toBeCloseTo((0.019 * 1000) / 5, 10);
    // runs: 2 x (2/4) + 1 = 2 over 5 rows
    expect(sut.rowsPerRun).toBeCloseTo(2.5, 10);
  });

  it('pools several rounds of a lane into one window of their total length', () => {
    const twice = [...records, ...records.map((r) => ({ ...r, round: 1 }))];
    const sut = summariseLane({ lane: 'x', kind: 'policy', subject: 'x' }, twice, { warmupMs: 1000, durationMs: 3000 }, devices, 2);
    expect(sut.windowS).toBe(4);
    expect(sut.completed).toBe(6);
    expect(sut.throughputJobsPerS).toBe(1.5);
    expect(sut.latencyMs.count).toBe(10);
    expect(sut.jobsPerSByRound).toEqual([1.5, 1.5]);
  });
});
