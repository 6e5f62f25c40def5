import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root above `from` (compiled scripts run from dist/ or .build/<name>/). */
export function findRepoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'libs'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no project root above ${from}`);
    dir = parent;
  }
  return dir;
}
