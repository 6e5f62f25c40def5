import type { KeyClaim } from '../interfaces/job-store.interface';

/**
 * How a store keeps an idempotency key's claim in one value: the first submission's fingerprint
 * and its job ids (random ids cannot be derived from the key again, so a replay reads them).
 */
export function encodeKeyClaim(fingerprint: string, jobIds: readonly string[]): string {
  return `${fingerprint} ${jobIds.join(',')}`;
}

export function decodeKeyClaim(value: string): Omit<KeyClaim, 'first'> {
  const [fingerprint, ids = ''] = value.split(' ');
  return { fingerprint, jobIds: ids.split(',').filter(Boolean) };
}
