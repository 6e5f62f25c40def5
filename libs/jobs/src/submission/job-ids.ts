import { createHash, randomUUID } from 'node:crypto';
import type { JobRequestSpec } from '../interfaces/job-submission.interface';

/**
 * Job ids of a submission: random, never derived from its idempotency key (who knows a key must
 * not be able to guess, read or cancel the jobs; a replay gets the ids the key's first
 * submission stored with its claim).
 */
export function jobIds(count: number): string[] {
  return Array.from({ length: count }, () => randomUUID());
}

/** Digest an idempotency key is stored under: per tenant, so two tenants' keys never meet. */
export function keyHash(key: string, tenant?: string): string {
  return createHash('sha256')
    .update(tenant === undefined ? key : `${tenant}\n${key}`)
    .digest('hex');
}

/** A digest of what was submitted, to tell a retry (same body) from a reused key (another body). */
export function submissionFingerprint(requests: readonly JobRequestSpec[]): string {
  return createHash('sha256').update(JSON.stringify(requests)).digest('hex');
}
