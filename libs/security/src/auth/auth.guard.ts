import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type ApiScope, CALLER_KEY, ForbiddenError, PUBLIC_METADATA, SCOPE_METADATA } from '@switchyard/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditFacts } from '../audit/audit-facts';
import { AccessControl } from './access-control.service';

/**
 * The one gate of every HTTP route (a global guard): a route must declare its scope with
 * `@Scope(...)` or be `@Public()`, else it is refused (deny by default, also without an auth
 * file, so a new route cannot ship unprotected). With an auth file: 401 without a known key,
 * 403 out of scope or for a model outside the tenant's allow-list (the `:model` route
 * parameter), 429 over the tenant's rate or in-flight limit.
 *
 * @remarks WebSocket handlers pass: the stream authenticates its connection itself.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessControl,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(SCOPE_METADATA, targets);
    if (!scope) {
      throw new ForbiddenError(
        `${request.method} ${request.routeOptions?.url ?? request.url} declares no scope: refused (deny by default)`,
      );
    }
    const facts = auditFacts(request);
    facts.scope = scope;
    const tenant = this.access.authenticate(request.headers);
    if (!tenant) return true;
    facts.tenant = tenant.tenant;
    (request as unknown as Record<string, unknown>)[CALLER_KEY] = tenant;
    const model = (request.params as Record<string, string> | undefined)?.model;
    this.access.authorize(tenant, scope, model !== undefined ? { model } : {});
    const release = await this.access.admit(tenant);
    // 'close': the response was sent, or the client went away
    const response = context.switchToHttp().getResponse<FastifyReply>().raw;
    if (response.closed) release();
    else response.once('close', release);
    return true;
  }
}
