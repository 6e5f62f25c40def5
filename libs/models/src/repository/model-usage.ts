/**
 * Requests holding a model version (from admission to answer), so that an unload waits until the
 * in-flight and queued ones have finished before it drops the sessions.
 */
export class ModelUsage {
  private readonly counts = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();

  acquire(key: string): () => void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) return void this.counts.set(key, left);
      this.counts.delete(key);
      for (const wake of this.waiters.get(key)?.splice(0) ?? []) wake();
    };
  }

  inUse(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Resolves once no request holds `key`. */
  drained(key: string): Promise<void> {
    if (!this.counts.get(key)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(key) ?? [];
      list.push(resolve);
      this.waiters.set(key, list);
    });
  }
}
