import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version in the project's package.json, found by walking up from this file (the compiled
 * tree sits at different depths under dist/ and .build/); "0.0.0" when none is found.
 */
export function readServerVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'switchyard' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // not ours or unreadable: keep walking up
      }
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}
