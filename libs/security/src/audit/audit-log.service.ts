import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { pipeline, type Readable, Transform } from 'node:stream';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256Digest } from '../signing/response-signature';
import { auditFacts } from './audit-facts';

/** One audit line: who asked what, what served it, how it ended; never tensors, bodies or keys. */
export interface AuditEntry {
  time: string;
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
  input_sha256?: string;
  output_sha256?: string;
}

const OUTPUT_DIGEST = Symbol('switchyard.outputDigest');
const INPUT_DIGEST = Symbol('switchyard.inputDigest');

/**
 * The audit log (SWITCHYARD_AUDIT_FILE): one JSON line per request. Successful inference calls
 * are sampled (SWITCHYARD_AUDIT_SAMPLE); refusals (4xx/5xx, auth failures included) and every
 * call of an admin route are always written.
 */
@Injectable()
export class AuditLog implements OnApplicationShutdown {
  private readonly out?: NodeJS.WritableStream;
  private readonly sample: number;

  constructor(@Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig) {
    const file = config.security.auditFile;
    this.sample = config.security.auditSample;
    if (file === '-') this.out = process.stdout;
    else if (file) this.out = createWriteStream(file, { flags: 'a', mode: 0o600 });
  }

  get enabled(): boolean {
    return this.out !== undefined;
  }

  /**
   * Fastify preParsing: digests the body as it streams in (the bytes on the wire, before any
   * decompression or JSON parsing), without holding it.
   */
  tapInput(request: FastifyRequest, payload: Readable): Readable {
    if (!this.out) return payload;
    const hash = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
      flush(done) {
        (request as unknown as Record<symbol, unknown>)[INPUT_DIGEST] = { digest: `sha256:${hash.digest('hex')}`, bytes };
        done();
      },
    });
    pipeline(payload, tap, () => undefined);
    return tap;
  }

  /** Fastify onSend: digests the body about to be sent (when the line will be written). */
  noteOutput(request: FastifyRequest, payload: unknown): void {
    if (!this.out) return;
    if (Buffer.isBuffer(payload) || typeof payload === 'string') {
      (request as unknown as Record<symbol, unknown>)[OUTPUT_DIGEST] = { digest: sha256Digest(payload), bytes: Buffer.byteLength(payload) };
    }
  }

  /** Fastify onResponse: writes the request's line. */
  record(request: FastifyRequest, reply: FastifyReply): void {
    if (!this.out) return;
    const facts = auditFacts(request);
    const status = reply.statusCode;
    const always = status >= 400 || facts.scope === 'admin' || facts.scope === 'model-repository';
    if (!always && this.sample < 1 && Math.random() >= this.sample) return;
    const held = request as unknown as Record<symbol, { digest: string; bytes: number } | undefined>;
    const output = held[OUTPUT_DIGEST];
    const input = held[INPUT_DIGEST];
    const entry: AuditEntry = {
      time: new Date().toISOString(),
      request_id: String(request.id),
      ...(facts.tenant !== undefined ? { tenant: facts.tenant } : {}),
      ...(facts.scope !== undefined ? { scope: facts.scope } : {}),
      method: request.method,
      route: request.url.split('?')[0].slice(0, 512),
      ...(facts.model !== undefined ? { model: facts.model, version: facts.version } : {}),
      ...(facts.device !== undefined ? { device: facts.device } : {}),
      status,
      bytes_in: input?.bytes ?? 0,
      bytes_out: output?.bytes ?? 0,
      latency_ms: Math.round(reply.elapsedTime * 1000) / 1000,
      ...(input && input.bytes > 0 ? { input_sha256: input.digest } : {}),
      ...(output ? { output_sha256: output.digest } : {}),
    };
    this.out.write(`${JSON.stringify(entry)}\n`);
  }

  async onApplicationShutdown(): Promise<void> {
    const out = this.out;
    if (out && out !== process.stdout) await new Promise<void>((resolve) => (out as WriteStream).end(resolve));
  }
}
