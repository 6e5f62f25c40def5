import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline, type Readable, Transform } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigValidationError, SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { sha256Digest } from '../signing/response-signature';
import { auditFacts } from './audit-facts';

/** One audit line: who asked what, what served it, how it ended; never tensors, bodies or keys. */
export interface AuditEntry {
  request_id: string;
  tenant?: string;
  scope?: string;
  method: string;
  route: string;
  model?: string;
  version?: string;
  device?: string;
  status: number;
  bytes_in: number;
  bytes_out: number;
  latency_ms: number;
  /** Sampled lines only (the digests cost a pass over each body). */
  input_sha256?: string;
  output_sha256?: string;
}

interface Digested {
  digest?: string;
  bytes: number;
}

const SAMPLED = Symbol('switchyard.auditSampled');
const OUTPUT_DIGEST = Symbol('switchyard.outputDigest');
const INPUT_DIGEST = Symbol('switchyard.inputDigest');
/** Scopes whose every call is an admin action: always written. */
const ADMIN_SCOPES = new Set(['admin', 'model-repository']);

type Held = Record<symbol, unknown>;

/**
 * The audit log (SWITCHYARD_AUDIT_FILE): one JSON line per request, written by pino to a file
 * (appended, mode 0600, asynchronously) or stdout, each with `"log":"audit"` and an ISO time.
 * Successful calls are sampled (SWITCHYARD_AUDIT_SAMPLE), decided when the request arrives so an
 * unsampled request costs no digest; refusals (4xx/5xx: every 401 and 403 included) and every
 * call of an admin route (`admin`, `model-repository`: repository load/unload, rollouts,
 * scheduler and device settings) are always written.
 */
@Injectable()
export class AuditLog implements OnApplicationShutdown {
  private readonly destination?: DestinationStream & { end?(): void; flushSync?(): void; once?(e: string, f: () => void): void };
  private readonly logger?: PinoLogger;
  private readonly toStdout: boolean;
  private readonly sample: number;

  constructor(@Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig) {
    const file = config.security.auditFile;
    this.sample = config.security.auditSample;
    this.toStdout = file === '-';
    if (!file) return;
    if (file !== '-') checkWritable(file);
    this.destination = pino.destination({ dest: file === '-' ? 1 : file, append: true, mkdir: true, sync: false, mode: 0o600 });
    // a later write failure (disk full, file removed with its folder) is said, not a crash
    const logger = new Logger(AuditLog.name);
    (this.destination as unknown as NodeJS.EventEmitter).on('error', (err: Error) => logger.error(`audit log ${file}: ${err.message}`));
    this.logger = pino(
      { base: null, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: () => ({ log: 'audit' }) } },
      this.destination,
    );
  }

  get enabled(): boolean {
    return this.logger !== undefined;
  }

  /**
   * Fastify preParsing: draws the request's sample and, when sampled, digests the body as it
   * streams in (the bytes on the wire, before decompression or parsing), without holding it.
   */
  tapInput(request: FastifyRequest, payload: Readable): Readable {
    if (!this.logger) return payload;
    const sampled = this.sample >= 1 || Math.random() < this.sample;
    (request as unknown as Held)[SAMPLED] = sampled;
    if (!sampled) return payload;
    const hash = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
      flush(done) {
        (request as unknown as Held)[INPUT_DIGEST] = { digest: `sha256:${hash.digest('hex')}`, bytes } satisfies Digested;
        done();
      },
    });
    pipeline(payload, tap, () => undefined);
    return tap;
  }

  /** Fastify onSend: notes the size of the body about to be sent, and its digest on a sampled request. */
  noteOutput(request: FastifyRequest, payload: unknown): void {
    if (!this.logger || !(Buffer.isBuffer(payload) || typeof payload === 'string')) return;
    const sampled = (request as unknown as Held)[SAMPLED] === true;
    (request as unknown as Held)[OUTPUT_DIGEST] = {
      bytes: Buffer.byteLength(payload),
      ...(sampled ? { digest: sha256Digest(payload) } : {}),
    } satisfies Digested;
  }

  /** Fastify onResponse: writes the request's line (always for refusals and admin calls). */
  record(request: FastifyRequest, reply: FastifyReply): void {
    if (!this.logger) return;
    const facts = auditFacts(request);
    const status = reply.statusCode;
    const held = request as unknown as Held;
    // a request refused before its body was read (404, 401) never drew its sample
    const sampled = held[SAMPLED] ?? (this.sample >= 1 || Math.random() < this.sample);
    if (!sampled && status < 400 && !(facts.scope !== undefined && ADMIN_SCOPES.has(facts.scope))) return;
    const input = held[INPUT_DIGEST] as Digested | undefined;
    const output = held[OUTPUT_DIGEST] as Digested | undefined;
    const params = request.params as Record<string, string | undefined> | undefined;
    const model = facts.model ?? params?.model;
    const version = facts.version ?? params?.version;
    const entry: AuditEntry = {
      request_id: String(request.id),
      ...(facts.tenant !== undefined ? { tenant: facts.tenant } : {}),
      ...(facts.scope !== undefined ? { scope: facts.scope } : {}),
      method: request.method,
      route: request.url.split('?')[0].slice(0, 512),
      ...(model !== undefined ? { model: model.slice(0, 256) } : {}),
      ...(version !== undefined ? { version: version.slice(0, 64) } : {}),
      ...(facts.device !== undefined ? { device: facts.device } : {}),
      status,
      bytes_in: input?.bytes ?? contentLength(request),
      bytes_out: output?.bytes ?? 0,
      latency_ms: Math.round(reply.elapsedTime * 1000) / 1000,
      ...(input?.digest && input.bytes > 0 ? { input_sha256: input.digest } : {}),
      ...(output?.digest ? { output_sha256: output.digest } : {}),
    };
    this.logger.info(entry);
  }

  /**
   * A call that Fastify's hooks do not see (the job stream's WebSocket upgrade, another
   * transport): written by the same rules, refusals and admin scopes always.
   */
  recordCall(entry: Omit<AuditEntry, 'bytes_in' | 'bytes_out' | 'latency_ms'> & Partial<AuditEntry>): void {
    if (!this.logger) return;
    const always = entry.status >= 400 || (entry.scope !== undefined && ADMIN_SCOPES.has(entry.scope));
    if (!always && this.sample < 1 && Math.random() >= this.sample) return;
    this.logger.info({ bytes_in: 0, bytes_out: 0, latency_ms: 0, ...entry });
  }

  async onApplicationShutdown(): Promise<void> {
    const destination = this.destination;
    if (!destination) return;
    if (this.toStdout) {
      try {
        destination.flushSync?.();
      } catch {
        // stdout not writable at shutdown: nothing left to save
      }
      return;
    }
    await new Promise<void>((resolve) => {
      destination.once?.('close', resolve);
      destination.end?.();
    });
  }
}

/** The file opens for appending (its folder made): otherwise the boot stops naming the option. */
function checkWritable(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, 'a', 0o600));
  } catch (err) {
    throw new ConfigValidationError([`SWITCHYARD_AUDIT_FILE: cannot write ${file}: ${(err as Error).message}`]);
  }
}

function contentLength(request: FastifyRequest): number {
  const n = Number(request.headers['content-length']);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}
