import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { publicKeyId } from '@switchyard/common';
import { sha256Digest, signResponse } from './response-signature';

/** What the inference API says about a response it is about to send. */
export interface ServedResponse {
  requestId: string;
  model: string;
  version: string;
  modelDigest: string;
  body: Buffer;
}

/**
 * Signs inference responses with SWITCHYARD_SIGNING_KEY (ed25519): a client holding the public
 * key (GET /v1/signing-key) can prove which model version produced an output, for which request.
 * Without the key, `sign` returns undefined.
 */
@Injectable()
export class OutputSigner {
  private readonly privateKey?: KeyObject;
  readonly publicKeyPem?: string;
  readonly keyId?: string;

  constructor(@Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig) {
    const file = config.security.signingKey;
    if (!file) return;
    let key: KeyObject;
    try {
      key = createPrivateKey(readFileSync(file));
    } catch (err) {
      throw new Error(`SWITCHYARD_SIGNING_KEY: cannot read an ed25519 private key from ${file}: ${(err as Error).message}`);
    }
    if (key.asymmetricKeyType !== 'ed25519')
      throw new Error(`SWITCHYARD_SIGNING_KEY: ${file} holds a ${key.asymmetricKeyType} key, not ed25519`);
    const publicKey = createPublicKey(key);
    this.privateKey = key;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = publicKeyId(publicKey);
    new Logger(OutputSigner.name).log(`inference responses are signed (key ${this.keyId})`);
  }

  /** The Switchyard-Signature header value, or undefined when no signing key is configured. */
  sign(response: ServedResponse): string | undefined {
    if (!this.privateKey) return undefined;
    const { requestId, model, version, modelDigest, body } = response;
    return signResponse({ requestId, model, version, modelDigest, bodyDigest: sha256Digest(body) }, this.privateKey, this.keyId!);
  }
}
