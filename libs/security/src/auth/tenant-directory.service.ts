import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnauthorizedError } from '@switchyard/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '@switchyard/config';
import { Tenant } from './tenant';

/** Request headers (or gRPC metadata) by lower-case name. */
export type PresentedHeaders = Record<string, string | string[] | undefined>;

/**
 * The tenants of the auth file, found by the sha256 digest of the key a request presents
 * (`Authorization: Bearer <key>` or `X-API-Key: <key>`). The file holds digests only, so a
 * leaked file does not leak keys. `enabled` is false without an auth file: the API is open.
 */
@Injectable()
export class TenantDirectory {
  private readonly logger = new Logger(TenantDirectory.name);
  private readonly byDigest = new Map<string, Tenant>();
  private readonly byName = new Map<string, Tenant>();
  readonly enabled: boolean;

  constructor(@Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig) {
    const auth = config.security.auth;
    this.enabled = auth !== undefined;
    for (const settings of auth?.tenants ?? []) {
      const tenant = new Tenant(settings);
      this.byName.set(settings.name, tenant);
      for (const digest of settings.keyDigests) this.byDigest.set(digest, tenant);
    }
    if (auth) this.logger.log(`auth: ${this.byName.size} tenant(s) from ${auth.file}`);
    else {
      this.logger.warn(
        'NO AUTH FILE (SWITCHYARD_AUTH_FILE): every route is open to anyone who can reach this port. Set SWITCHYARD_AUTH_FILE (and SWITCHYARD_AUTH=required) before exposing it; see docs/security.md',
      );
    }
  }

  /** The tenant holding the request's key; 401 when there is no key or nobody holds it. */
  authenticate(headers: PresentedHeaders): Tenant {
    const key = presentedKey(headers);
    if (key === undefined) throw new UnauthorizedError('an API key is required: send "Authorization: Bearer <key>" or "X-API-Key: <key>"');
    const tenant = this.byDigest.get(keyDigest(key));
    if (!tenant) throw new UnauthorizedError('unknown API key');
    return tenant;
  }

  byTenantName(name: string): Tenant | undefined {
    return this.byName.get(name);
  }
}

/** The digest the auth file lists for a key: "sha256:<hex of sha256(key)>". */
export function keyDigest(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

function presentedKey(headers: PresentedHeaders): string | undefined {
  const auth = single(headers.authorization);
  if (auth !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!match) throw new UnauthorizedError('the Authorization header must be "Bearer <key>"');
    return match[1];
  }
  const key = single(headers['x-api-key'])?.trim();
  return key ? key : undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
