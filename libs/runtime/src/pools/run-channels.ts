import type { MessagePort, Worker } from 'node:worker_threads';
import { InferenceFailedError } from '@switchyard/common';
import type { RunAbort } from '../abort/run-abort';
import { RunAbortedError } from '../errors/run-aborted.error';
import { WorkerDiedError } from '../errors/worker-died.error';
import type { RunAnswer, RunReply, RunRequest } from '../worker/worker-protocol';

/** A worker's run port and the runs it holds. */
interface Channel {
  worker: Worker;
  port: MessagePort;
  running: Set<Run>;
  /** Exited, or terminated to recycle it: takes no more runs. */
  closed: boolean;
}

interface Run {
  id: number;
  request: RunRequest;
  transfer: ArrayBuffer[];
  resolve: (reply: RunReply) => void;
  reject: (err: Error) => void;
  abort: RunAbort | undefined;
  onAbort: (() => void) | undefined;
  channel: Channel | undefined;
}

export interface RunChannelsOptions {
  deviceId: string;
  /** Runs one worker holds at once; more wait here, first come first served. */
  perWorker: number;
  /** A worker is being terminated because a run on it was declared hung (its replacement is piscina's). */
  onRecycle: () => void;
}

/**
 * The run side of a pool of worker threads: each worker's run port (see serveRuns), runs spread
 * over them (the worker holding the fewest; a run waits here while every worker is full or none
 * is up), and what happens to a run when its worker does not answer:
 * - declared hung (its RunAbort): rejected at once with RunAbortedError, and the worker is
 *   terminated (piscina starts a replacement, whose port arrives with add()); the other runs on
 *   that worker fail at once with WorkerDiedError;
 * - its worker exits (a crash): rejected with WorkerDiedError.
 */
export class RunChannels {
  private readonly channels: Channel[] = [];
  private readonly waiting: Run[] = [];
  private nextId = 0;
  private closed = false;
  /** Holds the process open while runs wait: no worker holds it for them (a replacement may still be starting). */
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(private readonly options: RunChannelsOptions) {}

  /** A worker has started and sent its run port. */
  add(worker: Worker, port: MessagePort): void {
    const channel: Channel = { worker, port, running: new Set(), closed: false };
    port.on('message', (answer: RunAnswer) => this.answered(channel, answer));
    // the worker (not the port: it closes before the worker's 'exit' is seen) holds the process
    // open while a run is on it, as piscina does for its tasks
    port.unref();
    worker.once('exit', (code: number) => this.lost(channel, `worker exited with code: ${code}`));
    this.channels.push(channel);
    this.drain();
  }

  run(request: RunRequest, transfer: ArrayBuffer[], abort: RunAbort | undefined): Promise<RunReply> {
    if (this.closed) return Promise.reject(new InferenceFailedError(`the pool of ${this.options.deviceId} is not running`));
    return new Promise<RunReply>((resolve, reject) => {
      const run: Run = { id: this.nextId++, request, transfer, resolve, reject, abort, onAbort: undefined, channel: undefined };
      if (abort) {
        run.onAbort = () => this.abandon(run);
        abort.once('abort', run.onAbort);
      }
      const channel = this.freeChannel();
      if (channel) this.post(run, channel);
      else this.wait(run);
    });
  }

  /** Fails the runs still waiting for a worker; runs on a worker end with it (WorkerDiedError). */
  close(): void {
    this.closed = true;
    for (const run of this.waiting.splice(0)) this.settle(run, new InferenceFailedError(`the pool of ${this.options.deviceId} was closed`));
  }

  private freeChannel(): Channel | undefined {
    let best: Channel | undefined;
    for (const c of this.channels) {
      if (c.closed || c.running.size >= this.options.perWorker) continue;
      if (!best || c.running.size < best.running.size) best = c;
    }
    return best;
  }

  private post(run: Run, channel: Channel): void {
    run.channel = channel;
    if (channel.running.size === 0) channel.worker.ref();
    channel.running.add(run);
    try {
      channel.port.postMessage({ id: run.id, request: run.request }, run.transfer);
    } catch (err) {
      // a tensor that cannot be cloned: this run's fault, not the worker's
      this.settle(run, new InferenceFailedError(`${this.options.deviceId} could not take the run: ${(err as Error).message}`));
    }
  }

  private answered(channel: Channel, answer: RunAnswer): void {
    for (const run of channel.running) {
      if (run.id !== answer.id) continue;
      if (answer.error === undefined) this.settle(run, undefined, answer.reply);
      else this.settle(run, new InferenceFailedError(`${this.options.deviceId} failed to run ${run.request.key}: ${answer.error}`));
      return;
    }
    // an answer to a run abandoned as hung: its worker is being terminated
  }

  /** The run is declared hung: it fails now, and the worker it is on is terminated (native code cannot be interrupted). */
  private abandon(run: Run): void {
    const channel = run.channel;
    const recycle = channel !== undefined && !channel.closed;
    // closed first: the slot this run frees must not go to a run waiting here
    if (recycle) channel.closed = true;
    this.settle(run, new RunAbortedError(this.options.deviceId, run.abort?.reason));
    if (!recycle) return;
    this.options.onRecycle();
    // the other runs on that worker go with it: failed now, not when (or if) its thread stops
    const recycled = new Error('another run on its worker was declared hung, and the worker is being recycled');
    for (const other of [...channel.running]) this.settle(other, new WorkerDiedError(this.options.deviceId, recycled));
    void channel.worker.terminate();
  }

  private lost(channel: Channel, why: string): void {
    channel.closed = true;
    const i = this.channels.indexOf(channel);
    if (i >= 0) this.channels.splice(i, 1);
    for (const run of [...channel.running]) this.settle(run, new WorkerDiedError(this.options.deviceId, new Error(why)));
    this.drain();
  }

  private settle(run: Run, error: Error | undefined, reply?: RunReply): void {
    const channel = run.channel;
    if (channel) {
      channel.running.delete(run);
      if (channel.running.size === 0) channel.worker.unref();
    } else {
      const i = this.waiting.indexOf(run);
      if (i >= 0) this.waiting.splice(i, 1);
      this.releaseIfNoneWaits();
    }
    if (run.onAbort) run.abort!.off('abort', run.onAbort);
    if (error) run.reject(error);
    else run.resolve(reply!);
    if (channel && !channel.closed) this.drain();
  }

  private wait(run: Run): void {
    this.waiting.push(run);
    this.keepAlive ??= setInterval(() => undefined, 60_000);
  }

  private drain(): void {
    while (this.waiting.length > 0) {
      const channel = this.freeChannel();
      if (!channel) return;
      this.post(this.waiting.shift()!, channel);
    }
    this.releaseIfNoneWaits();
  }

  private releaseIfNoneWaits(): void {
    if (this.waiting.length > 0 || !this.keepAlive) return;
    clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }
}
