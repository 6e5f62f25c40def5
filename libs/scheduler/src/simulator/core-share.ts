/** Work running on the host's shared cores. */
export interface SharedTask<T> {
  /** Virtual time at which its work is done. */
  vEnd: number;
  /** Cores it keeps busy at full speed. */
  demand: number;
  payload: T;
}

/**
 * The host's CPU cores shared by whatever runs on them at once (the serving thread, CPU pool
 * workers, a software GPU's threads): while the demand exceeds the cores, every task progresses
 * at cores / demand of its full speed (processor sharing). All tasks move at the same rate, so a
 * virtual clock advancing at that rate tells when each is done. `generation` changes whenever
 * the next completion time may have changed (a task started or ended).
 */
export class CoreShare<T> {
  private virtual = 0;
  private at = 0;
  private demand = 0;
  private readonly tasks: SharedTask<T>[] = [];
  generation = 0;

  constructor(private readonly cores: number) {}

  /** Starts `workMs` of full-speed work needing `demand` cores. */
  add(now: number, workMs: number, demand: number, payload: T): void {
    this.advance(now);
    this.tasks.push({ vEnd: this.virtual + workMs, demand, payload });
    this.demand += demand;
    this.generation++;
  }

  /** When the next task finishes at the current rate; undefined when none runs. */
  nextDoneAt(): number | undefined {
    if (this.tasks.length === 0) return undefined;
    let first = Infinity;
    for (const t of this.tasks) first = Math.min(first, t.vEnd);
    return this.at + Math.max(0, first - this.virtual) / this.rate();
  }

  /** Removes and returns the tasks finished by `now`, in the order they were added. */
  takeDone(now: number): T[] {
    this.advance(now);
    const done: T[] = [];
    for (let i = 0; i < this.tasks.length; ) {
      const t = this.tasks[i];
      if (t.vEnd <= this.virtual + 1e-9 * Math.max(1, this.virtual)) {
        done.push(t.payload);
        this.demand -= t.demand;
        this.tasks.splice(i, 1);
      } else i++;
    }
    if (this.tasks.length === 0) this.demand = 0; // no float drift left behind
    if (done.length) this.generation++;
    return done;
  }

  private rate(): number {
    return this.demand <= this.cores ? 1 : this.cores / this.demand;
  }

  private advance(now: number): void {
    this.virtual += (now - this.at) * this.rate();
    this.at = now;
  }
}
