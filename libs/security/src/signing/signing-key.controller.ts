import { Controller, Get } from '@nestjs/common';
import { NotFoundError, Scope } from '@switchyard/common';
import { OutputSigner } from './output-signer.service';

/** GET /v1/signing-key: the public key that verifies Switchyard-Signature headers. */
@Controller('v1/signing-key')
@Scope('metadata')
export class SigningKeyController {
  constructor(private readonly signer: OutputSigner) {}

  @Get()
  key(): { algorithm: 'ed25519'; key_id: string; public_key_pem: string } {
    if (!this.signer.publicKeyPem) throw new NotFoundError('responses are not signed here (SWITCHYARD_SIGNING_KEY is not set)');
    return { algorithm: 'ed25519', key_id: this.signer.keyId!, public_key_pem: this.signer.publicKeyPem };
  }
}
