import { performance } from 'node:perf_hooks';
import { seededRandom } from '@switchyard/common';
import { WorkloadSampler } from '../scenario/workload-classes';
import { latencyStats } from '../stats/percentile';
import { runLoad } from './load-generator';
import type { LoadRequest, SendResult } from './request-record.interface';

const classes = [{ model: 'm', batchSize: 1, share: 1 }];
const sampler = () => new WorkloadSampler(classes, seededRandom(1));
const SLACK_MS = 5;

/**
 * A target that answers at once, except that everything it receives while stalled (from
 * `from` to `until` ms after it was created) is answered only when the stall ends.
 */
function stallingTarget(from: number, until: number): (r: LoadRequest) => Promise<SendResult> {
  const t0 = performance.now();
  return () => {
    const now = performance.now() - t0;
    const wait = now >= from && now < until ? until - now : 0;
    return new Promise((resolve) => setTimeout(() => resolve({ deviceId: 'd' }), wait));
  };
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* block the event loop, as a stalled load generator would */
  }
}

describe(runLoad.name, () => {
  it('open loop: a stalled target shows as queueing latency counted from the intended send time', async () => {
    const sut = await runLoad({
      arrival: { mode: 'open', ratePerSecond: 200 },
      durationMs: 800,
      sampler: sampler(),
      send: stallingTarget(200, 500),
      seed: 3,
    });
    const duringStall = sut.filter((r) => r.intendedMs >= 220 && r.intendedMs < 480);
    // the schedule does not back off while the target stalls: ~52 requests are still sent
    expect(duringStall.length).toBeGreaterThan(25);
    for (const r of duringStall) {
      expect(r.ok).toBe(true);
      expect(r.latencyMs).toBeGreaterThanOrEqual(500 - r.intendedMs - SLACK_MS);
      expect(r.latencyMs).toBeCloseTo(r.doneMs - r.intendedMs, 6);
    }
    const stats = latencyStats(sut.map((r) => r.latencyMs));
    expect(stats.p99).toBeGreaterThan(200);
    expect(stats.max).toBeGreaterThan(250);
  }, 10_000);

  it('open loop: a stall of the load generator itself is charged to the requests it delayed', async () => {
    setTimeout(() => busyWait(300), 200);
    const sut = await runLoad({
      arrival: { mode: 'open', ratePerSecond: 200 },
      durationMs: 800,
      sampler: sampler(),
      send: stallingTarget(0, 0),
      seed: 4,
    });
    const delayed = sut.filter((r) => r.intendedMs >= 230 && r.intendedMs < 470);
    expect(delayed.length).toBeGreaterThan(20);
    for (const r of delayed) {
      expect(r.sentMs).toBeGreaterThanOrEqual(500 - SLACK_MS);
      expect(r.latencyMs).toBeGreaterThanOrEqual(r.sentMs - r.intendedMs);
    }
  }, 10_000);

  it('closed loop: one client meets the same stall once (why open loop is needed to see queueing)', async () => {
    const sut = await runLoad({
      arrival: { mode: 'closed', clients: 1 },
      durationMs: 800,
      sampler: sampler(),
      send: stallingTarget(200, 500),
    });
    for (const r of sut) expect(r.sentMs - r.intendedMs).toBeLessThan(SLACK_MS);
    const slow = sut.filter((r) => r.latencyMs > 100);
    expect(slow.length).toBe(1);
    expect(latencyStats(sut.map((r) => r.latencyMs)).p50).toBeLessThan(20);
  }, 10_000);

  it('keeps errors and gives up on unfinished requests with their latency as a lower bound', async () => {
    let n = 0;
    const send = (): Promise<SendResult> => {
      n++;
      if (n === 2) return Promise.reject(new Error('HTTP 429: overloaded'));
      if (n === 3) return new Promise(() => {}); // never answers
      return Promise.resolve({ deviceId: 'd' });
    };
    const sut = await runLoad({
      arrival: { mode: 'open', ratePerSecond: 50 },
      durationMs: 300,
      sampler: sampler(),
      send,
      seed: 9,
      drainMs: 100,
    });
    expect(sut[1]).toMatchObject({ ok: false, error: 'HTTP 429: overloaded' });
    expect(sut[2]).toMatchObject({ ok: false, unfinished: true });
    expect(sut[2].latencyMs).toBeGreaterThanOrEqual(300 + 100 - sut[2].intendedMs - SLACK_MS);
    expect(sut.filter((r) => r.ok).length).toBe(sut.length - 2);
  }, 10_000);
});
