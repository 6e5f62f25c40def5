import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RolloutMeasurements, SampleBatch, VersionSamples } from '../interfaces/rollout-samples.interface';
import type { RolloutState } from '../interfaces/rollout-state.interface';
import type { RolloutStore } from '../interfaces/rollout-store.interface';
import { MemoryMeasurements } from './memory-measurements';

/**
 * One node's rollouts in <SWITCHYARD_DATA_DIR>/rollouts.json, written whole and atomically (temp
 * file and rename), so a restart resumes where the analysis was. Measurements stay in memory;
 * the feedback and shadow tallies are saved with each state (as of its last analysis).
 */
export class FileRolloutStore implements RolloutStore {
  readonly shared = false;
  private states?: Map<string, RolloutState>;
  private writing: Promise<void> = Promise.resolve();
  private readonly held = new Set<string>();
  private readonly measured = new MemoryMeasurements();

  constructor(private readonly dataDir: string) {}

  get location(): string {
    return join(this.dataDir, 'rollouts.json');
  }

  async list(): Promise<RolloutState[]> {
    return [...(await this.load()).values()].map((s) => structuredClone(s));
  }

  async get(model: string): Promise<RolloutState | undefined> {
    const state = (await this.load()).get(model);
    return state && structuredClone(state);
  }

  /** Checked and written in turn; the new state is visible (get, list) once it is in the file. */
  compareAndSet(state: RolloutState, expected: number): Promise<boolean> {
    const done = this.writing
      .catch(() => undefined)
      .then(async () => {
        const states = await this.load();
        if ((states.get(state.spec.model)?.revision ?? 0) !== expected) return false;
        const next = new Map(states).set(state.spec.model, structuredClone(state));
        await this.persist([...next.values()]);
        states.set(state.spec.model, structuredClone(state));
        return true;
      });
    this.writing = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /** One process: a lock per model in memory (the same contract as the shared store's). */
  async withLock<T>(model: string, waitMs: number, fn: () => Promise<T>): Promise<T | undefined> {
    const until = Date.now() + waitMs;
    while (this.held.has(model)) {
      if (Date.now() >= until) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.held.add(model);
    try {
      return await fn();
    } finally {
      this.held.delete(model);
    }
  }

  watch(): () => void {
    return () => undefined;
  }

  async addSamples(id: string, batch: SampleBatch): Promise<void> {
    this.measured.add(id, batch);
  }

  async takeWindow(id: string, versions: readonly string[]): Promise<Record<string, VersionSamples>> {
    return this.measured.takeWindow(id, versions);
  }

  async restoreWindow(id: string, window: Record<string, VersionSamples>): Promise<void> {
    this.measured.restoreWindow(id, window);
  }

  async measurements(id: string, versions: readonly string[]): Promise<RolloutMeasurements> {
    return this.measured.measurements(id, versions);
  }

  async close(): Promise<void> {
    await this.writing.catch(() => undefined);
  }

  private async load(): Promise<Map<string, RolloutState>> {
    if (this.states) return this.states;
    const states = new Map<string, RolloutState>();
    for (const state of await this.read()) {
      // files of the first release have neither an id nor a revision
      state.id ??= state.created_at;
      state.revision ??= 1;
      states.set(state.spec.model, state);
      this.measured.seed(state.id, state.accuracy, state.shadow);
    }
    return (this.states ??= states);
  }

  private async read(): Promise<RolloutState[]> {
    try {
      const parsed = JSON.parse(await readFile(this.location, 'utf8')) as { rollouts?: RolloutState[] };
      return Array.isArray(parsed.rollouts) ? parsed.rollouts : [];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read ${this.location}: ${(err as Error).message}`);
    }
  }

  private async persist(states: RolloutState[]): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    const tmp = `${this.location}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, rollouts: states }, null, 2));
    await rename(tmp, this.location);
  }
}
