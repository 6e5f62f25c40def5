import type { ModelLoadSpec } from '../interfaces/inference-task.interface';

const CAPACITY = 256 * 1024;

/**
 * The models a pool pins, in shared memory: a worker that starts (at pool start or as a
 * replacement for one that died) reads it and loads every model at once, before its first task.
 * Layout: int32 byte length, then UTF-8 JSON of ModelLoadSpec[].
 */
export class ModelManifest {
  readonly buffer = new SharedArrayBuffer(CAPACITY);
  private readonly specs = new Map<string, ModelLoadSpec>();

  set(spec: ModelLoadSpec): void {
    this.specs.set(spec.key, spec);
    this.write();
  }

  delete(key: string): void {
    this.specs.delete(key);
    this.write();
  }

  get(key: string): ModelLoadSpec | undefined {
    return this.specs.get(key);
  }

  static read(buffer: SharedArrayBuffer): ModelLoadSpec[] {
    const length = new Int32Array(buffer, 0, 1)[0];
    if (!length) return [];
    return JSON.parse(Buffer.from(new Uint8Array(buffer, 4, length)).toString('utf8')) as ModelLoadSpec[];
  }

  private write(): void {
    const bytes = Buffer.from(JSON.stringify([...this.specs.values()]), 'utf8');
    if (bytes.length + 4 > CAPACITY) throw new Error(`too many models pinned in one pool (${bytes.length} bytes of manifest)`);
    new Uint8Array(this.buffer, 4, bytes.length).set(bytes);
    Atomics.store(new Int32Array(this.buffer, 0, 1), 0, bytes.length);
  }
}
