/** At most `limit` holders at once; the others wait in arrival order. */
export class ConcurrencyGate {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  get inUse(): number {
    return this.held;
  }

  /** Resolves with the release once a slot is free (rejects if `signal` aborts first). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.held < this.limit) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.take());
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  private take(): () => void {
    this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      this.waiting.shift()?.();
    };
  }
}
