/** Work in progress: a device's session run, or a piece of the serving thread's work. */
export interface SharedTask<T> {
  /** Full-speed milliseconds of work left. */
  remaining: number;
  /** The device it runs on (its runs share the device's parallelism); -1 for the serving thread. */
  device: number;
  /** Host cores it keeps busy at full speed. */
  cores: number;
  payload: T;
  rate: number;
}

/**
 * Progress of work that shares resources: each device runs at most `parallel[d]` runs at full
 * speed (a GPU's one queue: 1), more share that speed; and the host's `cores` (when given) are
 * shared by the serving thread and the runs that use host cores: while they demand more than
 * there are, each of them slows down in proportion (processor sharing; other processes' constant
 * `background` demand counts too). Rates change only when a
 * task starts or ends; `generation` changes then, so that a completion computed before is known
 * to be stale.
 */
export class CoreShare<T> {
  private readonly tasks: SharedTask<T>[] = [];
  private at = 0;
  generation = 0;

  /**
   * @param background Cores that work outside the simulation (other processes on the host) keeps
   * demanding all along: with `cores`, it takes its processor-sharing part of them.
   */
  constructor(
    private readonly cores: number | undefined,
    private readonly parallel: readonly number[],
    private readonly background = 0,
  ) {}

  /** Starts `workMs` of full-speed work on `device` (-1: the serving thread) needing `cores` host cores. */
  add(now: number, workMs: number, device: number, cores: number, payload: T): void {
    this.advance(now);
    this.tasks.push({ remaining: workMs, device, cores, payload, rate: 1 });
    this.rerate();
  }

  /** When the next task finishes at the current rates; undefined when none runs. */
  nextDoneAt(): number | undefined {
    let first: number | undefined;
    for (const t of this.tasks) {
      const at = this.at + t.remaining / t.rate;
      if (first === undefined || at < first) first = at;
    }
    return first;
  }

  /** Removes and returns the tasks finished by `now`, in the order they were added. */
  takeDone(now: number): T[] {
    this.advance(now);
    const done: T[] = [];
    for (let i = 0; i < this.tasks.length;) {
      const t = this.tasks[i];
      if (t.remaining <= 1e-9 * Math.max(1, now)) {
        done.push(t.payload);
        this.tasks.splice(i, 1);
      } else i++;
    }
    if (done.length) this.rerate();
    return done;
  }

  private advance(now: number): void {
    for (const t of this.tasks) t.remaining -= (now - this.at) * t.rate;
    this.at = now;
  }

  private rerate(): void {
    const running = new Map<number, number>();
    for (const t of this.tasks) if (t.device >= 0) running.set(t.device, (running.get(t.device) ?? 0) + 1);
    const deviceRate = (t: SharedTask<T>) =>
      t.device < 0 ? 1 : Math.min(1, (this.parallel[t.device] ?? Infinity) / running.get(t.device)!);
    let demand = this.background;
    for (const t of this.tasks) demand += t.cores * deviceRate(t);
    const hostRate = this.cores !== undefined && demand > this.cores ? this.cores / demand : 1;
    for (const t of this.tasks) t.rate = deviceRate(t) * (t.cores > 0 ? hostRate : 1);
    this.generation++;
  }
}
