import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelConfig } from '../interfaces/model-config.interface';

export interface ModelFolder {
  name: string;
  /** Parsed config.json, absent when the folder has none. */
  config?: ModelConfig;
  /** Problem reading config.json, if any. */
  configError?: string;
  /** Numeric version folders holding a model.onnx, ascending. */
  versions: Array<{ version: string; path: string }>;
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

  async sha256(path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  private async readFolder(root: string, name: string): Promise<ModelFolder> {
    const dir = join(root, name);
    const folder: ModelFolder = { name, versions: [] };
    try {
      folder.config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as ModelConfig;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') folder.configError = `config.json: ${(err as Error).message}`;
    }
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue;
      const path = join(dir, entry.name, 'model.onnx');
      if (await stat(path).then((s) => s.isFile(), () => false)) folder.versions.push({ version: entry.name, path });
    }
    folder.versions.sort((a, b) => Number(a.version) - Number(b.version));
    return folder;
  }
}
