import { EventEmitter } from 'node:events';
import WebSocket from 'ws';

/** One finished job as the stream delivers it (see docs/jobs.md, "Stream"). */
export interface StreamResult {
  seq: number;
  job_id: string;
  state: 'completed' | 'failed' | 'cancelled';
  model_name: string;
  model_version?: string;
  node?: string;
  device?: string;
  attempt?: number;
  /** The KServe v2 inference response. */
  result?: { outputs: { name: string; datatype: string; shape: number[]; data: number[] }[]; [key: string]: unknown };
  error?: string;
  errors?: string[];
  timings: { submitted_at: string; started_at?: string; finished_at: string };
}

export interface StreamClientOptions {
  /** The server, e.g. http://127.0.0.1:8000 or ws://127.0.0.1:8000. */
  url: string;
  /** Resume this stream (from an earlier client's `streamId`). */
  streamId?: string;
  /** Last sequence number already received on that stream. */
  after?: number;
  /** First reconnect delay (jittered down to half), doubled up to `maxReconnectDelayMs`; default 100. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

interface PendingSubmit {
  message: Record<string, unknown>;
  resolve: (accepted: { jobIds: string[]; replayed: boolean }) => void;
  reject: (err: Error) => void;
}

/**
 * A client of Switchyard's result stream that survives dropped connections: it reconnects with
 * the last sequence number it saw and the server replays what it missed, in order; results it
 * already has are dropped, so 'result' fires once per job, in sequence order. Submissions not yet
 * acknowledged when a connection drops are sent again with the same idempotency key, so a job is
 * never enqueued twice.
 *
 * Events: 'ready' (streamId), 'result' (StreamResult), 'disconnected' (code), 'error' (Error).
 */
export class SwitchyardStreamClient extends EventEmitter {
  streamId: string | undefined;
  /** Highest sequence number received. */
  lastSeq: number;
  /** Connections made so far (1 + reconnects). */
  connections = 0;

  private socket: WebSocket | undefined;
  private readonly pending = new Map<string, PendingSubmit>();
  private nextRef = 0;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private delay: number;
  private readyOnce: Promise<void>;
  private markReady: () => void = () => undefined;

  constructor(private readonly options: StreamClientOptions) {
    super();
    this.streamId = options.streamId;
    this.lastSeq = options.after ?? 0;
    this.delay = options.reconnectDelayMs ?? 100;
    this.readyOnce = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Opens the stream; resolves when the server said "ready" the first time. */
  connect(): Promise<void> {
    this.open();
    return this.readyOnce;
  }

  /** Submits a POST /v1/jobs body on the stream; resolves with the job ids once accepted. */
  async submit(body: Record<string, unknown>): Promise<{ jobIds: string[]; replayed: boolean }> {
    await this.readyOnce;
    const ref = `r${++this.nextRef}`;
    const message = { ...body, ref, idempotency_key: body.idempotency_key ?? `${this.streamId}-${ref}` };
    return new Promise((resolve, reject) => {
      this.pending.set(ref, { message, resolve, reject });
      this.send({ event: 'submit', data: message });
    });
  }

  /** Cuts the current connection abruptly, as a network failure would (the client reconnects). */
  dropConnection(): void {
    this.socket?.terminate();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.close();
    for (const p of this.pending.values()) p.reject(new Error('the stream client was closed'));
    this.pending.clear();
  }

  private open(): void {
    const base = this.options.url.replace(/^http/, 'ws').replace(/\/$/, '');
    const query = this.streamId === undefined ? '' : `?stream=${encodeURIComponent(this.streamId)}&after=${this.lastSeq}`;
    const socket = new WebSocket(`${base}/v1/stream${query}`);
    this.socket = socket;
    this.connections++;
    socket.on('message', (raw) => {
      // A cut connection delivers nothing more: ws still hands over frames it had already read
      // after terminate(); those come again, in order, on the next connection (after=lastSeq).
      if (socket.readyState === WebSocket.OPEN) this.onMessage(messageText(raw));
    });
    socket.on('error', (err) => this.emit('error', err));
    socket.on('close', (code) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.closed) return;
      this.emit('disconnected', code);
      // 4000 + status: the server refused the stream; a 4xx will not get better by retrying.
      const refused = code >= 4400 && code < 4500;
      if (refused) return;
      // jittered, so that clients cut off together do not all come back at once
      this.reconnectTimer = setTimeout(() => this.open(), this.delay * (0.5 + Math.random() / 2));
      this.delay = Math.min(this.delay * 2, this.options.maxReconnectDelayMs ?? 2000);
    });
  }

  private onMessage(text: string): void {
    const { event, data } = JSON.parse(text) as { event: string; data: Record<string, unknown> };
    if (event === 'ready') {
      this.streamId = data.stream as string;
      this.delay = this.options.reconnectDelayMs ?? 100;
      for (const p of this.pending.values()) this.send({ event: 'submit', data: p.message });
      this.emit('ready', this.streamId);
      this.markReady();
    } else if (event === 'result') {
      const result = data as unknown as StreamResult;
      if (result.seq <= this.lastSeq) return; // already delivered before a reconnect
      this.lastSeq = result.seq;
      this.emit('result', result);
    } else if (event === 'accepted' || event === 'rejected') {
      const p = this.pending.get(String(data.ref));
      if (!p) return;
      this.pending.delete(String(data.ref));
      if (event === 'accepted') p.resolve({ jobIds: data.job_ids as string[], replayed: Boolean(data.replayed) });
      else p.reject(Object.assign(new Error(String(data.error)), { status: data.status }));
    } else if (event === 'error') {
      this.emit('error', Object.assign(new Error(String(data.error)), { status: data.status }));
    }
  }

  private send(message: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
    // Otherwise it goes out again on the next "ready".
  }
}

/** A text frame's payload as a string (ws hands over a Buffer, an ArrayBuffer or fragments). */
function messageText(raw: WebSocket.RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw as ArrayBuffer).toString('utf8');
}
