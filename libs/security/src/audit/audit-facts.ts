import type { FastifyRequest } from 'fastify';

/** What the audit line of a request says besides its method, path and status. */
export interface AuditFacts {
  scope?: string;
  tenant?: string;
  model?: string;
  version?: string;
  device?: string;
}

const FACTS = Symbol('switchyard.auditFacts');

/** The request's audit facts, filled in by the guard (scope, tenant) and the handlers (model, device). */
export function auditFacts(request: FastifyRequest): AuditFacts {
  const holder = request as unknown as Record<symbol, AuditFacts | undefined>;
  return (holder[FACTS] ??= {});
}
