import type { JobRecord } from '../interfaces/job-record.interface';
import type { StreamEntry } from '../interfaces/result-streams.interface';

/**
 * Messages of the result stream, as JSON text frames {"event": ..., "data": ...} both ways.
 * Client -> server: "submit" {ref?, ...a POST /v1/jobs body}.
 * Server -> client: "ready", "accepted", "rejected", "result", "error" (below).
 */
export interface StreamMessage<E extends string, D> {
  event: E;
  data: D;
}

/** First message of a connection: the stream id to resume with and where delivery starts. */
export type ReadyMessage = StreamMessage<'ready', { stream: string; after: number; last_seq: number }>;

/** A submission was enqueued; its outcomes will arrive as "result" messages. */
export type AcceptedMessage = StreamMessage<'accepted', { ref?: unknown; job_ids: string[]; replayed: boolean }>;

/** A submission was refused (nothing enqueued), with the HTTP status the REST API would give. */
export type RejectedMessage = StreamMessage<'rejected', { ref?: unknown; status: number; error: string }>;

/** The connection cannot serve a stream (e.g. no Redis); it is closed after this. */
export type ErrorMessage = StreamMessage<'error', { status: number; error: string }>;

/** One finished job, numbered per stream (1, 2, ...) in the order jobs finished. */
export interface StreamResult {
  seq: number;
  job_id: string;
  state: JobRecord['state'];
  model_name: string;
  model_version?: string;
  node?: string;
  device?: string;
  attempt?: number;
  result?: Record<string, unknown>;
  error?: string;
  errors?: string[];
  timings: { submitted_at: string; started_at?: string; finished_at: string };
}

export type ResultMessage = StreamMessage<'result', StreamResult>;

export function toResultMessage({ seq, record }: StreamEntry): ResultMessage {
  const t = record.timings;
  return {
    event: 'result',
    data: {
      seq,
      job_id: record.jobId,
      state: record.state,
      model_name: record.model,
      ...(record.version !== undefined ? { model_version: record.version } : {}),
      ...(record.node !== undefined ? { node: record.node } : {}),
      ...(record.device !== undefined ? { device: record.device } : {}),
      ...(record.attempt !== undefined ? { attempt: record.attempt } : {}),
      ...(record.result !== undefined ? { result: record.result } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.errors !== undefined ? { errors: record.errors } : {}),
      timings: {
        submitted_at: new Date(t.submittedAt).toISOString(),
        ...(t.startedAt !== undefined ? { started_at: new Date(t.startedAt).toISOString() } : {}),
        finished_at: new Date(t.finishedAt).toISOString(),
      },
    },
  };
}
