import { Inject, Injectable } from '@nestjs/common';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import type { RolloutState } from '../interfaces/rollout-state.interface';

/**
 * Rollout states in <SWITCHYARD_DATA_DIR>/rollouts.json, written whole and atomically (temp file
 * and rename), so a restart resumes where the analysis was. One node's file: with several nodes
 * each keeps its own (a shared Redis store is not built yet).
 */
@Injectable()
export class RolloutStoreAdapter {
  private writing: Promise<void> = Promise.resolve();

  constructor(@Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig) {}

  get file(): string {
    return join(this.config.dataDir, 'rollouts.json');
  }

  async read(): Promise<RolloutState[]> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as { rollouts?: RolloutState[] };
      return Array.isArray(parsed.rollouts) ? parsed.rollouts : [];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read ${this.file}: ${(err as Error).message}`);
    }
  }

  /** Writes are queued so an older snapshot never lands after a newer one. */
  write(states: RolloutState[]): Promise<void> {
    const text = JSON.stringify({ version: 1, rollouts: states }, null, 2);
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(this.config.dataDir, { recursive: true });
        const tmp = `${this.file}.${process.pid}.tmp`;
        await writeFile(tmp, text);
        await rename(tmp, this.file);
      });
    return this.writing;
  }
}
