/** What a drain did (logged, and returned to whoever exits the process). */
export interface DrainReport {
  /** What started it, e.g. "SIGTERM". */
  reason: string;
  /** All queued and running work finished before the exit timeout. */
  finished: boolean;
  /** Requests answered 503 because the exit timeout passed. */
  abandonedRequests: number;
  /** The app closed within its bound. */
  closed: boolean;
  /** From the start of the drain to the end of the close. */
  ms: number;
}
