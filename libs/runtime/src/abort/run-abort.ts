/**
 * The switch that declares a run hung, for {@link RunOptions.abort}: an AbortController at a
 * fraction of its cost per run. Node's AbortSignal is an EventTarget (a few microseconds to
 * create, more to listen to): measured in one process with mlp_tiny, an AbortSignal per run added
 * ~0.03 ms p50 to the worker hop, this switch ~0 (bench/results/overhead/2026-11-29-vm-lean). Its
 * listeners are a plain array (`once`, `off`, `aborted`, `reason`).
 *
 * @remarks Aborts at most once; listeners registered after the abort are not called (check
 * `aborted` first). `signal` makes a real AbortSignal that follows the switch, on first use only,
 * for pools that hand a signal on (a child process's call, fetch).
 */
export class RunAbort {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> | undefined;
  private mirror: AbortController | undefined;

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    this.mirror?.abort(reason);
    // in registration order
    if (listeners) for (const listener of listeners) listener();
  }

  once(_event: 'abort', listener: () => void): void {
    (this.listeners ??= []).push(listener);
  }

  off(_event: 'abort', listener: () => void): void {
    const i = this.listeners?.indexOf(listener) ?? -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }

  /** An AbortSignal that follows this switch, made on first use. */
  get signal(): AbortSignal {
    if (!this.mirror) {
      this.mirror = new AbortController();
      if (this.aborted) this.mirror.abort(this.reason);
    }
    return this.mirror.signal;
  }
}
