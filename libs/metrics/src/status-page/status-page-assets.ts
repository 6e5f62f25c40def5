import { Injectable } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SOURCE_DIR = join('libs', 'metrics', 'src', 'status-page', 'assets');
const FILES = ['index.html', 'status-page.css', 'status-page.js'] as const;
export type StatusPageFile = (typeof FILES)[number];

/**
 * Finds the status page's assets: beside this file when a build copied them, else in the source
 * tree above the compiled one (tsc does not copy them; dist/ and .build/<name>/ sit in the repo).
 */
export function findStatusPageAssetDir(from: string = __dirname): string {
  const beside = join(from, 'assets');
  if (existsSync(join(beside, 'index.html'))) return beside;
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, SOURCE_DIR);
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`status page assets (${SOURCE_DIR}) not found above ${from}`);
  }
}

/** The page's files, read once at start-up (they are a few kB), served from memory. */
@Injectable()
export class StatusPageAssets {
  private readonly files: Record<StatusPageFile, string>;

  constructor() {
    const dir = findStatusPageAssetDir();
    this.files = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(dir, f), 'utf8')])) as Record<StatusPageFile, string>;
  }

  get(file: StatusPageFile): string {
    return this.files[file];
  }
}
