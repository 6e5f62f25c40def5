import { createWriteStream, type WriteStream } from 'node:fs';
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
    const output = (request as unknown as Record<symbol, { digest: string; bytes: number } | undefined>)[OUTPUT_DIGEST];
    const body = request.body;
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
      bytes_in: Number(request.headers['content-length'] ?? 0) || 0,
      bytes_out: output?.bytes ?? 0,
      latency_ms: Math.round(reply.elapsedTime * 1000) / 1000,
      ...(Buffer.isBuffer(body) && body.length > 0 ? { input_sha256: sha256Digest(body) } : {}),
      ...(output ? { output_sha256: output.digest } : {}),
    };
    this.out.write(`${JSON.stringify(entry)}\n`);
  }

  async onApplicationShutdown(): Promise<void> {
    const out = this.out;
    if (out && out !== process.stdout) await new Promise<void>((resolve) => (out as WriteStream).end(resolve));
  }
}
