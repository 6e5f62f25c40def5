/**
 * Preloaded (`node -r`) into a server process by the overhead bench's --phases: where a request's
 * time goes on the server's main thread, for servers that run the model on a worker thread (the
 * bare route with the pool hop, Switchyard). Per POST request, read off Node's own objects, with
 * no change to the server's code:
 *   request    the http server emits 'request' (headers parsed; the body follows)
 *   post       the first MessagePort.postMessage() of a run ({ id, request }, what RunChannels
 *              sends a worker) is called, and when that call returns
 *   answer     a 'message' listener of a MessagePort gets the run's answer ({ id, reply } or
 *              { id, error }, what a worker sends back on its run port)
 *   end        the response's end() is called (the bytes go to the socket)
 * One request in flight at a time (the bench's clients are sequential), so the marks of a request
 * are the ones between its 'request' and its end(). A request with no run post (an error) is not
 * counted. Written as JSON to $PHASE_MARKS_FILE every second and at exit: per content type, the
 * ms of each phase of every request.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainThread, MessagePort } from 'node:worker_threads';

/** The phases of one request, ms. */
export interface RequestPhases {
  /** From 'request' to the run's postMessage() call: routing, hooks, body, validation, placement, queue. */
  toPost: number;
  /** The postMessage() call itself: the message's serialization and the worker's wake-up. */
  post: number;
  /** From the postMessage() call's return to the response's end(): the worker's run, its answer, encoding. */
  afterPost: number;
  /** Of afterPost: until the answer reaches a listener on this thread (the worker's run and both wake-ups). */
  toAnswer: number;
  /** Of afterPost: from the answer to the response's end() (completion, result, encoding, reply). */
  afterAnswer: number;
}

/** What $PHASE_MARKS_FILE holds: the phases of every counted request, by request content type. */
export type PhaseMarks = Record<string, RequestPhases[]>;

const out = process.env.PHASE_MARKS_FILE;
// `-r` preloads into the server's worker threads too: only the main thread marks (and writes the file)
if (out && isMainThread) install(out);

/** The request in flight and its marks (performance.now() ms). */
interface Marked {
  kind: string;
  at: number;
  postAt?: number;
  postedAt?: number;
  answerAt?: number;
}

function install(file: string): void {
  const marks: PhaseMarks = {};
  let current: Marked | undefined;

  // the originals, called with each server, response and port as `this`
  const emit = Reflect.get(http.Server.prototype, 'emit') as (this: http.Server, event: string, ...args: unknown[]) => boolean;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (req.method === 'POST') {
        const request: Marked = { kind: String(req.headers['content-type'] ?? 'none').split(';')[0], at: performance.now() };
        current = request;
        const end = Reflect.get(res, 'end') as (this: http.ServerResponse, ...args: unknown[]) => http.ServerResponse;
        res.end = function (this: http.ServerResponse, ...endArgs: unknown[]) {
          const endAt = performance.now();
          const { postAt, postedAt, answerAt } = request;
          if (current === request && postAt !== undefined && postedAt !== undefined && answerAt !== undefined) {
            (marks[request.kind] ??= []).push({
              toPost: postAt - request.at,
              post: postedAt - postAt,
              afterPost: endAt - postedAt,
              toAnswer: answerAt - postedAt,
              afterAnswer: endAt - answerAt,
            });
          }
          current = undefined;
          return end.apply(this, endArgs);
        } as typeof res.end;
      }
    }
    return emit.call(this, event, ...args);
  } as typeof http.Server.prototype.emit;

  const postMessage: MessagePort['postMessage'] = Reflect.get(MessagePort.prototype, 'postMessage');
  MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, transfer?: Parameters<MessagePort['postMessage']>[1]) {
    const request = current;
    const isRun = request !== undefined && request.postAt === undefined && isRunMessage(message);
    if (isRun) request.postAt = performance.now();
    postMessage.call(this, message, transfer);
    if (isRun) request.postedAt = performance.now();
  };

  // the answer: listeners for 'message' added to any MessagePort are wrapped (run ports get theirs after this preload)
  const on = Reflect.get(MessagePort.prototype, 'on') as (
    this: MessagePort,
    event: string,
    listener: (...args: unknown[]) => void,
  ) => MessagePort;
  MessagePort.prototype.on = function (this: MessagePort, event: string, listener: (...args: unknown[]) => void) {
    if (event !== 'message') return on.call(this, event, listener);
    return on.call(this, event, function (this: unknown, ...args: unknown[]) {
      const request = current;
      if (request?.postedAt !== undefined && request.answerAt === undefined && isRunAnswer(args[0])) request.answerAt = performance.now();
      return listener.apply(this, args);
    });
  } as typeof MessagePort.prototype.on;

  const flush = () => writeFileSync(file, JSON.stringify(marks));
  setInterval(flush, 1000).unref();
  process.on('exit', flush);
}

function isRunAnswer(message: unknown): boolean {
  return typeof message === 'object' && message !== null && 'id' in message && ('reply' in message || 'error' in message);
}

function isRunMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && 'id' in message && 'request' in message;
}
