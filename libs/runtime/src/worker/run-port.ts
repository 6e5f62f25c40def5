import { MessageChannel, parentPort, threadId } from 'node:worker_threads';
import { RUN_PORT, type RunAnswer, type RunMessage, type RunPortMessage, type RunReply, type RunRequest } from './worker-protocol';

/** A run's reply and the buffers to move (not copy) back with it. */
export interface RunOutcome {
  reply: RunReply;
  transfer: ArrayBuffer[];
}

export type RunHandler = (request: RunRequest) => Promise<RunOutcome>;

let handler: RunHandler | undefined;

/**
 * Serves this pool worker's runs on a port of its own, sent to the pool once (RUN_PORT on
 * parentPort), instead of as piscina tasks: in an HTTP server serving mlp_tiny one request at a
 * time, p50 went down 0.11 ms (JSON) / 0.12 ms (binary) with this change alone
 * (bench/results/overhead/2026-11-29-vm-channel/steps/1-run-channels). Loading and unloading stay
 * piscina tasks.
 * Called again (a test worker wrapping the ORT worker's run), it only replaces the handler.
 */
export function serveRuns(run: RunHandler): void {
  const opened = handler !== undefined;
  handler = run;
  if (opened || !parentPort) return;
  const { port1, port2 } = new MessageChannel();
  port1.on('message', ({ id, request }: RunMessage) => {
    handler!(request).then(
      ({ reply, transfer }) => port1.postMessage({ id, reply } satisfies RunAnswer, transfer),
      (err: unknown) => port1.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies RunAnswer),
    );
  });
  parentPort.postMessage({ [RUN_PORT]: port2, threadId } satisfies RunPortMessage, [port2]);
}
