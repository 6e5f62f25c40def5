import { Injectable } from '@nestjs/common';
import { type ApiScope, ForbiddenError } from '@switchyard/common';
import { TenantLimiter } from '../limits/tenant-limiter.service';
import { type PresentedHeaders, TenantDirectory } from './tenant-directory.service';
import type { Tenant } from './tenant';

/** What a call touches besides its scope: the tenant's allow-lists apply to them. */
export interface AccessTarget {
  model?: string;
  device?: string;
}

/**
 * Who may call what, for any transport: HTTP's global guard uses it, and so can a gRPC server
 * (its metadata as the header record). Without an auth file everything is allowed and
 * `authenticate` returns undefined (the open mode, announced at start-up).
 *
 * Errors are the typed ones of @switchyard/common: UnauthorizedError (401, gRPC
 * UNAUTHENTICATED), ForbiddenError (403, PERMISSION_DENIED), OverloadedError (429 with
 * retryAfterSeconds, RESOURCE_EXHAUSTED).
 */
@Injectable()
export class AccessControl {
  constructor(
    private readonly directory: TenantDirectory,
    private readonly limiter: TenantLimiter,
  ) {}

  /** False without an auth file: the API is open. */
  get enabled(): boolean {
    return this.directory.enabled;
  }

  /**
   * The tenant holding the key of `headers` (`authorization: Bearer <key>` or `x-api-key`,
   * lower-case names), undefined when auth is off; throws UnauthorizedError without a known key.
   */
  authenticate(headers: PresentedHeaders): Tenant | undefined {
    return this.directory.enabled ? this.directory.authenticate(headers) : undefined;
  }

  /** Throws ForbiddenError when `tenant` lacks `scope` or may not use the model or device; no tenant (auth off): allowed. */
  authorize(tenant: Tenant | undefined, scope: ApiScope, target: AccessTarget = {}): void {
    if (!tenant) return;
    if (!tenant.has(scope)) throw new ForbiddenError(`tenant "${tenant.tenant}" does not have the "${scope}" scope this route needs`);
    if (target.model !== undefined && !tenant.mayUseModel(target.model)) {
      throw new ForbiddenError(`tenant "${tenant.tenant}" may not use model "${target.model}"`);
    }
    if (target.device !== undefined && !tenant.mayUseDevice(target.device)) {
      throw new ForbiddenError(`tenant "${tenant.tenant}" may not run on device "${target.device}"`);
    }
  }

  /**
   * Counts one request against the tenant's rate (shared by the nodes on one Redis) and
   * in-flight limit: throws OverloadedError over either; returns the release of its in-flight
   * slot, to call once when the request ends. No tenant: nothing to count.
   */
  async admit(tenant: Tenant | undefined): Promise<() => void> {
    return tenant ? this.limiter.admit(tenant) : () => undefined;
  }
}
