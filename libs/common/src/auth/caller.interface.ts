/**
 * Who sent a request and what they may do, as the services need it (set by the security
 * module's guard on the request; absent when the service runs without an auth file).
 */
export interface Caller {
  /** Tenant name (jobs and idempotency keys are scoped to it). */
  tenant: string;
  /** Highest priority the tenant may ask for (1 is the highest level); absent: no ceiling. */
  maxPriority?: number;
  /** Most of its jobs that may be unfinished at once (queued or running), across nodes; absent: no limit. */
  maxQueuedJobs?: number;
  /** Whether the tenant may use this model name (its `models` allow-list). */
  readonly mayUseModel: (model: string) => boolean;
  /** Whether the tenant may run on this device id (its `devices` allow-list). */
  readonly mayUseDevice: (deviceId: string) => boolean;
}

/** Where the guard leaves the caller on the Fastify request. */
export const CALLER_KEY = 'switchyardCaller';

/** The caller of a Fastify (or any) request object, when the guard set one. */
export function callerOf(request: unknown): Caller | undefined {
  return (request as Record<string, Caller | undefined> | undefined)?.[CALLER_KEY];
}
