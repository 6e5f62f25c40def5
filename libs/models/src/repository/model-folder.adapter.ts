import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelConfig } from '../interfaces/model-config.interface';
import { parseModelConfig } from './model-config.schema';

export interface ModelFolder {
  name: string;
  /** Parsed config.json, absent when the folder has none. */
  config?: ModelConfig;
  /** Problem reading config.json, if any. */
  configError?: string;
  /** Numeric version folders holding a model.onnx, ascending, with the file's size in bytes. */
  versions: Array<{ version: string; path: string; bytes: number; mtimeMs: number }>;
}

/** Reads a Triton-style model repository from the file system. */
@Injectable()
export class ModelFolderAdapter {
  async scan(root: string): Promise<ModelFolder[]> {
    const entries = await readdir(root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    const folders: ModelFolder[] = [];
    for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
      folders.push(await this.readFolder(root, entry.name));
    }
    return folders;
  }

  /** One model folder; undefined when <root>/<name> is not a folder. */
  async read(root: string, name: string): Promise<ModelFolder | undefined> {
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) return undefined;
    const isDir = await stat(join(root, name)).then((s) => s.isDirectory(), () => false);
    return isDir ? this.readFolder(root, name) : undefined;
  }

  async sha256(path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  private async readFolder(root: string, name: string): Promise<ModelFolder> {
    const dir = join(root, name);
    const folder: ModelFolder = { name, versions: [] };
    try {
      const parsed = parseModelConfig(name, await readFile(join(dir, 'config.json'), 'utf8'));
      if ('config' in parsed) folder.config = parsed.config;
      else folder.configError = `config.json: ${parsed.problem}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') folder.configError = `config.json: ${(err as Error).message}`;
    }
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue;
      const path = join(dir, entry.name, 'model.onnx');
      const file = await stat(path).catch(() => undefined);
      if (file?.isFile()) folder.versions.push({ version: entry.name, path, bytes: file.size, mtimeMs: file.mtimeMs });
    }
    folder.versions.sort((a, b) => Number(a.version) - Number(b.version));
    return folder;
  }
}
