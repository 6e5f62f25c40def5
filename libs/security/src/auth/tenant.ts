import type { ApiScope, Caller } from '@switchyard/common';
import type { TenantSettings } from '@switchyard/config';
import { globMatcher } from './glob';

/** A tenant of the auth file, ready to answer the guard's and the services' questions. */
export class Tenant implements Caller {
  readonly tenant: string;
  readonly maxPriority?: number;
  readonly maxQueuedJobs?: number;
  readonly mayUseModel: (model: string) => boolean;
  readonly mayUseDevice: (deviceId: string) => boolean;
  private readonly scopes: ReadonlySet<string>;

  constructor(readonly settings: TenantSettings) {
    this.tenant = settings.name;
    if (settings.limits.maxPriority !== undefined) this.maxPriority = settings.limits.maxPriority;
    if (settings.limits.jobsQueued !== undefined) this.maxQueuedJobs = settings.limits.jobsQueued;
    this.scopes = new Set(settings.scopes);
    this.mayUseModel = globMatcher(settings.limits.models);
    this.mayUseDevice = globMatcher(settings.limits.devices);
  }

  has(scope: ApiScope): boolean {
    return this.scopes.has(scope);
  }
}
