/** What the consumer looks like at one watchdog tick. */
export interface ConsumerObservation {
  /** Epoch ms. */
  now: number;
  /** Jobs waiting in the shared queue. */
  waiting: number;
  /** Jobs this node is running. */
  inFlight: number;
  /** Jobs this node may run at once. */
  concurrency: number;
  /** Consumption paused on purpose (local queues deep, shutting down). */
  paused: boolean;
  /** Epoch ms this node last started a job (0: never). */
  lastStartedAt: number;
}

/** none; kick: reconnect the blocking connection; recreate: a new queue client altogether. */
export type WatchdogAction = 'none' | 'kick' | 'recreate';

/**
 * Detects a consumer that stopped taking jobs (Bull issue #1873: after a Redis reconnect the
 * blocking fetch can hang for good): jobs wait in the queue for `stuckMs` while this node has
 * free slots and starts nothing. The first remedy is a kick; if it stays stuck, recreate.
 */
export class ConsumerWatchdog {
  private suspectSince: number | undefined;
  private lastStartSeen = 0;
  private remedies = 0;

  constructor(private readonly stuckMs: number) {}

  observe(o: ConsumerObservation): WatchdogAction {
    if (o.lastStartedAt > this.lastStartSeen) {
      this.lastStartSeen = o.lastStartedAt;
      this.remedies = 0;
    }
    const idleWithWork = !o.paused && o.waiting > 0 && o.inFlight < o.concurrency;
    if (!idleWithWork) {
      this.suspectSince = undefined;
      return 'none';
    }
    this.suspectSince ??= o.now;
    if (o.now - Math.max(this.suspectSince, o.lastStartedAt) < this.stuckMs) return 'none';
    this.suspectSince = o.now;
    return this.remedies++ === 0 ? 'kick' : 'recreate';
  }
}
