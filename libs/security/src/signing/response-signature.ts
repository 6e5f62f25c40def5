import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/** The header that carries a response's signature. */
export const SIGNATURE_HEADER = 'switchyard-signature';

/** What a response signature covers. */
export interface SignedFacts {
  /** The request id (x-request-id, echoed in the response). */
  requestId: string;
  model: string;
  version: string;
  /** sha256 of the model's file(s) that served it, "sha256:<hex>". */
  modelDigest: string;
  /** sha256 of the response body exactly as sent, "sha256:<hex>". */
  bodyDigest: string;
}

/**
 * The signed message: one field per line after a version tag, so no field can be shifted into
 * another. Verifiers rebuild it from the header's fields and their own digest of the body.
 */
export function signatureMessage(facts: SignedFacts): Buffer {
  return Buffer.from(
    ['switchyard-signature-v1', facts.requestId, facts.model, facts.version, facts.modelDigest, facts.bodyDigest].join('\n'),
    'utf8',
  );
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** `v1; key=<id>; request_id=...; model=...; version=...; model_digest=...; body_digest=...; signature=<base64>` (values URI-encoded). */
export function signResponse(facts: SignedFacts, privateKey: KeyObject, id: string): string {
  const signature = sign(null, signatureMessage(facts), privateKey).toString('base64');
  const fields: [string, string][] = [
    ['key', id],
    ['request_id', facts.requestId],
    ['model', facts.model],
    ['version', facts.version],
    ['model_digest', facts.modelDigest],
    ['body_digest', facts.bodyDigest],
    ['signature', signature],
  ];
  return ['v1', ...fields.map(([k, v]) => `${k}=${encodeURIComponent(v)}`)].join('; ');
}

export interface SignatureCheck {
  valid: boolean;
  /** Why it is not valid. */
  reason?: string;
  facts?: SignedFacts;
}

/**
 * Verifies a response: the header's signature over its fields with `publicKey` (PEM or a
 * KeyObject), and the body's digest against the one signed. The caller should also check that
 * `facts.requestId` is the id it sent and `facts.model` the model it asked.
 */
export function verifyResponseSignature(
  body: Buffer | string,
  header: string | null | undefined,
  publicKey: KeyObject | string,
): SignatureCheck {
  if (!header) return { valid: false, reason: 'no Switchyard-Signature header' };
  const [version, ...parts] = header.split(';').map((p) => p.trim());
  if (version !== 'v1') return { valid: false, reason: `unknown signature version "${version}"` };
  const fields = new Map(parts.map((p) => [p.slice(0, p.indexOf('=')), decodeURIComponent(p.slice(p.indexOf('=') + 1))]));
  const facts: SignedFacts = {
    requestId: fields.get('request_id') ?? '',
    model: fields.get('model') ?? '',
    version: fields.get('version') ?? '',
    modelDigest: fields.get('model_digest') ?? '',
    bodyDigest: fields.get('body_digest') ?? '',
  };
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const signature = Buffer.from(fields.get('signature') ?? '', 'base64');
  if (!verify(null, signatureMessage(facts), key, signature))
    return { valid: false, reason: 'the signature does not match its fields or this key', facts };
  if (sha256Digest(body) !== facts.bodyDigest) return { valid: false, reason: 'the body is not the one that was signed', facts };
  return { valid: true, facts };
}
