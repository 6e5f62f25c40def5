import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** A key's id in manifests and signature headers: the first 16 hex digits of the sha256 of its DER public key. */
export function publicKeyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}
