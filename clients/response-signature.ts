/**
 * Verifying Switchyard-Signature on inference responses (see docs/security.md, "Signed outputs"):
 *
 *   const key = (await (await fetch(`${url}/v1/signing-key`, { headers })).json()).public_key_pem;
 *   const res = await fetch(`${url}/v2/models/m/infer`, { method: 'POST', body, headers: { ...headers, 'x-request-id': id } });
 *   const body = Buffer.from(await res.arrayBuffer());
 *   const check = verifyResponseSignature(body, res.headers.get('switchyard-signature'), key);
 *   // check.valid, and check.facts.requestId === id, check.facts.model === 'm'
 *
 * Only node:crypto is used: the same code the server signs with.
 */
export {
  verifyResponseSignature,
  signatureMessage,
  sha256Digest,
  SIGNATURE_HEADER,
  type SignatureCheck,
  type SignedFacts,
} from '@switchyard/security';
