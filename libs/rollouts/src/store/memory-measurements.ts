import { emptySamples, mergeSamples } from '../analysis/version-samples';
import type { AccuracyTally, RolloutMeasurements, SampleBatch, ShadowTally, VersionSamples } from '../interfaces/rollout-samples.interface';

interface Measured {
  window: Map<string, VersionSamples>;
  totals: Map<string, VersionSamples>;
  accuracy: Map<string, AccuracyTally>;
  shadow: ShadowTally;
}

/** The measurements of the file store's rollouts, in this process's memory (one node sees all its traffic). */
export class MemoryMeasurements {
  private readonly byId = new Map<string, Measured>();

  /** Seeds the tallies of a rollout read back from the file (they are saved with its state). */
  seed(id: string, accuracy: Record<string, AccuracyTally>, shadow: ShadowTally): void {
    if (this.byId.has(id)) return;
    const m = this.of(id);
    for (const [v, t] of Object.entries(accuracy)) m.accuracy.set(v, { ...t });
    m.shadow = { ...shadow };
  }

  add(id: string, batch: SampleBatch): void {
    const m = this.of(id);
    for (const [v, s] of Object.entries(batch.versions)) {
      mergeSamples(at(m.window, v), s);
      mergeSamples(at(m.totals, v), s);
    }
    for (const [v, t] of Object.entries(batch.accuracy)) {
      const tally = m.accuracy.get(v) ?? { judged: 0, correct: 0 };
      m.accuracy.set(v, { judged: tally.judged + t.judged, correct: tally.correct + t.correct });
    }
    m.shadow = { compared: m.shadow.compared + batch.shadow.compared, agreed: m.shadow.agreed + batch.shadow.agreed };
  }

  takeWindow(id: string, versions: readonly string[]): Record<string, VersionSamples> {
    const m = this.of(id);
    const out: Record<string, VersionSamples> = {};
    for (const v of versions) out[v] = m.window.get(v) ?? emptySamples();
    for (const v of versions) m.window.delete(v);
    return out;
  }

  restoreWindow(id: string, window: Record<string, VersionSamples>): void {
    const m = this.of(id);
    for (const [v, s] of Object.entries(window)) {
      const restored = mergeSamples(emptySamples(), s);
      const later = m.window.get(v);
      m.window.set(v, later ? mergeSamples(restored, later) : restored);
    }
  }

  measurements(id: string, versions: readonly string[]): RolloutMeasurements {
    const m = this.of(id);
    const totals: Record<string, VersionSamples> = {};
    for (const v of versions) totals[v] = mergeSamples(emptySamples(), m.totals.get(v) ?? emptySamples());
    return { totals, accuracy: Object.fromEntries([...m.accuracy].map(([v, t]) => [v, { ...t }])), shadow: { ...m.shadow } };
  }

  private of(id: string): Measured {
    let m = this.byId.get(id);
    if (!m) this.byId.set(id, (m = { window: new Map(), totals: new Map(), accuracy: new Map(), shadow: { compared: 0, agreed: 0 } }));
    return m;
  }
}

function at(map: Map<string, VersionSamples>, version: string): VersionSamples {
  let s = map.get(version);
  if (!s) map.set(version, (s = emptySamples()));
  return s;
}
