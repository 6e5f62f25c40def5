import { SetMetadata } from '@nestjs/common';
import type { ApiScope } from './api-scope';

/** Metadata key of a route's scope (read by the security module's global guard). */
export const SCOPE_METADATA = 'switchyard:scope';
/** Metadata key of a route open to everyone (liveness and readiness probes). */
export const PUBLIC_METADATA = 'switchyard:public';

/** The scope a tenant needs to call this handler (or every handler of this controller). */
export const Scope = (scope: ApiScope): MethodDecorator & ClassDecorator => SetMetadata(SCOPE_METADATA, scope);

/** Open to callers without a key: kept for the probes (/v2/health/live, /v2/health/ready). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_METADATA, true);
