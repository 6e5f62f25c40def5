import type { SampleBatch } from '../interfaces/rollout-samples.interface';
import type { RolloutState } from '../interfaces/rollout-state.interface';
import type { RolloutStore } from '../interfaces/rollout-store.interface';

/** Two handles on one store (two nodes of a shared store, or one node before and after a restart). */
export interface RolloutStorePair {
  a: RolloutStore;
  /** A second handle on the same data, opened after `a` wrote (a restart of the file store). */
  open(): RolloutStore;
}

export function rolloutState(model: string, revision: number, over: Partial<RolloutState> = {}): RolloutState {
  const at = '2026-11-29T10:00:00.000Z';
  return {
    id: `${model}-r`,
    revision,
    spec: {
      model,
      primary: '1',
      candidate: '2',
      mode: 'canary',
      weight: 10,
      step_weight: 10,
      max_weight: 50,
      interval_s: 1,
      min_samples: 1,
      threshold: 1,
      max_error_rate_delta: 0.01,
      max_p99_ratio: 1.5,
    },
    status: 'progressing',
    weight: 10,
    failed_checks: 0,
    created_at: at,
    updated_at: at,
    reason: 'started',
    steps: [],
    accuracy: {},
    shadow: { compared: 0, agreed: 0 },
    ...over,
  };
}

function batch(requests: number, errors: number, latenciesMs: number[], judged = 0, correct = 0): SampleBatch {
  return {
    versions: { '2': { requests, errors, latenciesMs } },
    accuracy: judged ? { '2': { judged, correct } } : {},
    shadow: { compared: judged, agreed: correct },
  };
}

/** The RolloutStore contract, run on the file store and on Redis. */
export function describeRolloutStoreConformance(name: string, create: () => Promise<RolloutStorePair>): void {
  describe(`RolloutStore conformance: ${name}`, () => {
    let pair: RolloutStorePair;
    const opened: RolloutStore[] = [];
    const open = () => {
      const store = pair.open();
      opened.push(store);
      return store;
    };

    beforeEach(async () => {
      pair = await create();
      opened.length = 0;
    });
    afterEach(async () => {
      await Promise.all([pair.a, ...opened].map((s) => s.close()));
    });

    it('writes by compare-and-set on the revision, and refuses a stale one', async () => {
      expect(await pair.a.get('m')).toBeUndefined();
      expect(await pair.a.compareAndSet(rolloutState('m', 1), 0)).toBe(true);
      expect(await pair.a.compareAndSet(rolloutState('m', 2, { weight: 20 }), 0)).toBe(false);
      expect(await pair.a.compareAndSet(rolloutState('m', 2, { weight: 30 }), 1)).toBe(true);
      expect(await pair.a.compareAndSet(rolloutState('m', 3, { weight: 40 }), 1)).toBe(false);
      expect(await pair.a.get('m')).toMatchObject({ revision: 2, weight: 30 });
      await pair.a.compareAndSet(rolloutState('n', 1), 0);
      expect((await pair.a.list()).map((s) => s.spec.model).sort()).toEqual(['m', 'n']);
    });

    it('keeps the states for another handle (a restart, or another node)', async () => {
      const written = rolloutState('m', 1, { steps: [{ at: '2026-11-29T10:00:01.000Z', decision: 'step', weight: 20, reason: 'passed' }] });
      await pair.a.compareAndSet(written, 0);
      expect(await open().get('m')).toEqual(written);
    });

    it('lets one holder at a time have a model lock; a busy lock is refused after waitMs', async () => {
      const b = pair.a.shared ? open() : pair.a; // the file store's lock is its process's
      const events: string[] = [];
      const hold = (who: string, store: RolloutStore, ms: number, waitMs: number) =>
        store.withLock('m', waitMs, async () => {
          events.push(`${who} in`);
          await new Promise((resolve) => setTimeout(resolve, ms));
          events.push(`${who} out`);
          return who;
        });
      const first = hold('a', pair.a, 150, 0);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(await hold('b', b, 0, 0)).toBeUndefined();
      expect(await hold('c', b, 0, 2000)).toBe('c');
      expect(await first).toBe('a');
      expect(events).toEqual(['a in', 'a out', 'c in', 'c out']);
      // another model is not held
      expect(await b.withLock('other', 0, async () => 'free')).toBe('free');
    });

    it('sums every handle’s samples into the window and the totals; a taken window starts over', async () => {
      const b = open();
      await pair.a.addSamples('r', batch(3, 1, [5, 7], 2, 1));
      await b.addSamples('r', batch(2, 0, [9, 11], 1, 1));
      // file store: b is a fresh process and has not seen a's samples; shared stores sum both
      const both = pair.a.shared;
      const reader = both ? b : pair.a;
      const window = await reader.takeWindow('r', ['1', '2']);
      expect(window['1']).toEqual({ requests: 0, errors: 0, latenciesMs: [] });
      expect(window['2'].requests).toBe(both ? 5 : 3);
      expect(window['2'].errors).toBe(1);
      expect([...window['2'].latenciesMs].sort((x, y) => x - y)).toEqual(both ? [5, 7, 9, 11] : [5, 7]);
      expect((await reader.takeWindow('r', ['2']))['2'].requests).toBe(0);

      // a window put back stays in front of what came since
      await reader.restoreWindow('r', window);
      await reader.addSamples('r', batch(1, 0, [13]));
      const again = await reader.takeWindow('r', ['2']);
      expect(again['2'].requests).toBe(window['2'].requests + 1);
      expect(again['2'].latenciesMs).toEqual([...window['2'].latenciesMs, 13]);

      const m = await reader.measurements('r', ['1', '2']);
      expect(m.totals['2'].requests).toBe(window['2'].requests + 1);
      expect(m.totals['1'].requests).toBe(0);
      expect(m.accuracy['2']).toEqual(both ? { judged: 3, correct: 2 } : { judged: 2, correct: 1 });
      expect(m.shadow).toEqual(both ? { compared: 3, agreed: 2 } : { compared: 2, agreed: 1 });
    });

    it('tells the other nodes of a shared store which rollout changed', async () => {
      if (!pair.a.shared) return expect(pair.a.watch(() => undefined)).toBeInstanceOf(Function);
      const b = open();
      const seen: string[] = [];
      b.watch((model) => seen.push(model));
      await new Promise((resolve) => setTimeout(resolve, 200)); // the subscription is set up
      await pair.a.compareAndSet(rolloutState('m', 1), 0);
      await pair.a.compareAndSet(rolloutState('m', 2), 0); // refused: not announced
      const until = Date.now() + 3000;
      while (seen.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual(['m']);
    });
  });
}
