import { createHash, randomUUID } from 'node:crypto';
import type { JobRequestSpec } from '../interfaces/job-submission.interface';

/**
 * Job ids of a submission. With an idempotency key they are derived from it (the same key gives
 * the same ids on every node, and Bull does not add a job whose id exists); otherwise random.
 */
export function jobIds(count: number, idempotencyKey: string | undefined): string[] {
  if (idempotencyKey === undefined) return Array.from({ length: count }, () => randomUUID());
  const base = `k${keyHash(idempotencyKey).slice(0, 32)}`;
  return Array.from({ length: count }, (_, i) => `${base}-${i}`);
}

export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A digest of what was submitted, to tell a retry (same body) from a reused key (another body). */
export function submissionFingerprint(requests: readonly JobRequestSpec[]): string {
  return createHash('sha256').update(JSON.stringify(requests)).digest('hex');
}
