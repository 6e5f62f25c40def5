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
  private readonly metadata = new WeakMap<object, RouteMetadata>();

  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessControl,
  ) {}

  /** Synchronous unless a tenant must be admitted: no promise per request when auth is off. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const { isPublic, scope } = this.routeMetadata(context);
    if (isPublic) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (!scope) {
      throw new ForbiddenError(
        `${request.method} ${request.routeOptions?.url ?? request.url} declares no scope: refused (deny by default)`,
      );
    }
    return this.check(request, http.getResponse<FastifyReply>(), scope);
  }

  /**
   * The gate for a request of `scope`: what canActivate does once it has read the route's scope,
   * for the routes registered on Fastify directly (the /v2 infer routes, see InferRoutes).
   * Throws the typed 401/403/429 errors; true when the request may go on.
   */
  check(request: FastifyRequest, reply: FastifyReply, scope: ApiScope): boolean | Promise<boolean> {
    const facts = auditFacts(request);
    facts.scope = scope;
    const tenant = this.access.authenticate(request.headers);
    if (!tenant) return true;
    facts.tenant = tenant.tenant;
    (request as unknown as Record<string, unknown>)[CALLER_KEY] = tenant;
    const model = (request.params as Record<string, string> | undefined)?.model;
    this.access.authorize(tenant, scope, model !== undefined ? { model } : {});
    return this.admit(reply, tenant);
  }

  private async admit(reply: FastifyReply, tenant: Parameters<AccessControl['admit']>[0]): Promise<boolean> {
    const release = await this.access.admit(tenant);
    // 'close': the response was sent, or the client went away
    const response = reply.raw;
    if (response.closed) release();
    else response.once('close', release);
    return true;
  }

  /** A route's @Public() and @Scope(), read once per handler (metadata is fixed once the app runs). */
  private routeMetadata(context: ExecutionContext): RouteMetadata {
    const handler = context.getHandler();
    const owner = context.getClass();
    let known = this.metadata.get(handler);
    // a handler inherited by another controller class is read again for that class
    if (known?.owner !== owner) {
      const targets = [handler, owner];
      known = {
        owner,
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets) === true,
        scope: this.reflector.getAllAndOverride<ApiScope | undefined>(SCOPE_METADATA, targets),
      };
      this.metadata.set(handler, known);
    }
    return known;
  }
}

interface RouteMetadata {
  owner: object;
  isPublic: boolean;
  scope: ApiScope | undefined;
}
