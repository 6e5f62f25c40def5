import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Caller } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { toErrorResponse } from '@switchyard/inference';
import { AccessControl, AuditLog } from '@switchyard/security';
import type { WebSocket } from 'ws';
import { STREAM_PATH } from '../jobs.constants';
import { JOBS_API, RESULT_STREAMS } from '../jobs.tokens';
import type { JobsApi } from '../interfaces/jobs-api.interface';
import type { ResultStreams, StreamFollower } from '../interfaces/result-streams.interface';
import { readStreamQuery } from './read-stream-query';
import { type AcceptedMessage, type RejectedMessage, toResultMessage } from './stream-messages';

/** Close code sent with an "error" message (4000 + the HTTP status). */
const CLOSE_BASE = 4000;

interface StreamSession {
  /** The stream's key in the store: the client's stream id, under its tenant's name when auth is on. */
  streamId: string;
  caller?: Caller;
  follower?: StreamFollower;
  closed: boolean;
}

/**
 * The result stream (see stream-messages.ts and docs/jobs.md): a client submits jobs on the
 * socket and receives their outcomes as they finish, numbered per stream. Outcomes wait in the
 * jobs store (Redis or SQLite); a client that reconnects with `?stream=<id>&after=<last seq>`
 * receives what it missed, in order, then the rest. With Redis the socket may be served by any
 * node: outcomes are read from Redis.
 */
@WebSocketGateway({ path: STREAM_PATH })
export class JobsStreamGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(JobsStreamGateway.name);
  private readonly sessions = new WeakMap<WebSocket, StreamSession>();

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    @Inject(JOBS_API) private readonly jobs: JobsApi,
    @Inject(RESULT_STREAMS) private readonly streams: ResultStreams,
    private readonly access: AccessControl,
    private readonly audit: AuditLog,
  ) {}

  async handleConnection(client: WebSocket, request: IncomingMessage): Promise<void> {
    let session: StreamSession;
    const started = performance.now();
    let tenant: string | undefined;
    try {
      // the upgrade request's key, with the "jobs" scope (the HTTP guard does not see sockets)
      const caller = this.access.authenticate(request?.headers ?? {});
      tenant = caller?.tenant;
      this.access.authorize(caller, 'jobs');
      const { streamId: clientStreamId, after } = readStreamQuery(request?.url);
      // a tenant can neither read nor feed another tenant's stream, whatever id it sends
      const streamId = caller ? `${caller.tenant}.${clientStreamId}` : clientStreamId;
      session = { streamId, closed: false, ...(caller ? { caller } : {}) };
      this.sessions.set(client, session);
      const lastSeq = await this.streams.lastSeq(streamId);
      if (session.closed) return;
      await send(client, { event: 'ready', data: { stream: clientStreamId, after, last_seq: lastSeq } });
      this.auditUpgrade(request, 101, tenant, started);
      session.follower = this.streams.follow(
        streamId,
        after,
        (entry) => send(client, toResultMessage(entry)),
        (err) => this.logger.warn(`stream ${streamId}: reading results failed, retrying: ${err.message}`),
      );
      if (session.closed) await session.follower.close();
    } catch (err) {
      const { status, message } = this.errorOf(err);
      this.auditUpgrade(request, status, tenant, started);
      await send(client, { event: 'error', data: { status, error: message } });
      client.close(CLOSE_BASE + status, message.slice(0, 120));
    }
  }

  private auditUpgrade(request: IncomingMessage | undefined, status: number, tenant: string | undefined, started: number): void {
    const given = request?.headers['x-request-id'];
    this.audit.recordCall({
      request_id: typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID(),
      ...(tenant !== undefined ? { tenant } : {}),
      scope: 'jobs',
      method: 'GET',
      route: STREAM_PATH,
      status,
      latency_ms: Math.round((performance.now() - started) * 1000) / 1000,
    });
  }

  handleDisconnect(client: WebSocket): void {
    const session = this.sessions.get(client);
    if (!session) return;
    session.closed = true;
    void session.follower?.close();
  }

  @SubscribeMessage('submit')
  async submit(@ConnectedSocket() client: WebSocket, @MessageBody() data: unknown): Promise<AcceptedMessage | RejectedMessage> {
    const { ref, ...submission } = (data && typeof data === 'object' && !Array.isArray(data) ? data : {}) as Record<string, unknown>;
    const session = this.sessions.get(client);
    try {
      if (!session) throw new Error('the stream is not open');
      const { jobIds, replayed } = await this.jobs.submit(submission, {
        streamId: session.streamId,
        ...(session.caller ? { caller: session.caller } : {}),
      });
      return { event: 'accepted', data: { ref, job_ids: jobIds, replayed } };
    } catch (err) {
      const { status, message } = this.errorOf(err);
      return { event: 'rejected', data: { ref, status, error: message } };
    }
  }

  private errorOf(err: unknown): { status: number; message: string } {
    const { status, message } = toErrorResponse(err, { bodyLimitBytes: this.config.http.bodyLimitBytes });
    if (status >= 500 && status !== 503) this.logger.warn(`stream: ${(err as Error)?.message ?? err}`);
    return { status, message };
  }
}

/** Sends one JSON frame; resolves when written (or at once when the socket is gone). */
function send(client: WebSocket, message: unknown): Promise<void> {
  if (client.readyState !== client.OPEN) return Promise.resolve();
  return new Promise((resolve) => client.send(JSON.stringify(message), () => resolve()));
}
