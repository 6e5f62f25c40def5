import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { publicKeyId } from '@switchyard/common';
import { manifestRefusal } from './model-manifest';

/**
 * SWITCHYARD_MODEL_TRUST at load: `digest` refuses a version whose files do not match its
 * manifest, `signed` also one whose manifest no key of SWITCHYARD_TRUSTED_KEYS signed.
 */
@Injectable()
export class ModelTrust {
  private readonly mode: SwitchyardConfig['security']['modelTrust'];
  private readonly keys: KeyObject[];

  constructor(@Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig) {
    this.mode = config.security.modelTrust;
    this.keys = config.security.trustedKeys.map((file) => {
      try {
        return createPublicKey(readFileSync(file));
      } catch (err) {
        throw new Error(`SWITCHYARD_TRUSTED_KEYS: cannot read a public key from ${file}: ${(err as Error).message}`);
      }
    });
    if (this.mode === 'signed' && this.keys.length === 0) throw new Error('SWITCHYARD_MODEL_TRUST=signed needs SWITCHYARD_TRUSTED_KEYS (public key PEM files)');
    if (this.mode !== 'off') {
      new Logger(ModelTrust.name).log(`model trust: ${this.mode}${this.keys.length ? ` (keys ${this.keys.map(publicKeyId).join(', ')})` : ''}`);
    }
  }

  /** Why this version may not be loaded, or undefined when it may (always, with trust off). */
  async refusal(repository: string, model: string, version: string): Promise<string | undefined> {
    if (this.mode === 'off') return undefined;
    const reason = await manifestRefusal(repository, model, version, this.mode, this.keys);
    return reason && `untrusted model files: ${reason}`;
  }
}
