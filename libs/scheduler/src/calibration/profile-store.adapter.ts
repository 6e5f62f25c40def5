import { Injectable } from '@nestjs/common';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CalibrationProfile } from './calibration-profile.interface';

/** Calibration profiles on disk: <dir>/<fingerprint>.json, written atomically. */
@Injectable()
export class ProfileStoreAdapter {
  path(dir: string, fingerprint: string): string {
    return join(dir, `${fingerprint}.json`);
  }

  /** The stored profile, or undefined when there is none (or it is not a profile of this fingerprint). */
  async read(dir: string, fingerprint: string): Promise<CalibrationProfile | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(dir, fingerprint), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const profile = JSON.parse(text) as CalibrationProfile;
    return profile?.version === 1 && profile.fingerprint === fingerprint ? profile : undefined;
  }

  async write(dir: string, profile: CalibrationProfile): Promise<string> {
    await mkdir(dir, { recursive: true });
    const path = this.path(dir, profile.fingerprint);
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(profile, null, 2) + '\n');
    await rename(tmp, path);
    return path;
  }
}
