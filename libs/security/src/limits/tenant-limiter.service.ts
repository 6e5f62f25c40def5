import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CALLER_KEY, callerOf, OverloadedError, UnavailableError } from '@switchyard/common';
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Tenant } from '../auth/tenant';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
type RateLimitResult = Awaited<ReturnType<Limiter>>;

/**
 * A tenant's limits on one request, whatever transport it came by: its request rate
 * (@fastify/rate-limit's store, in Redis when configured, so every node counts against the same
 * window) and its requests in progress on this node. Over either: 429 with Retry-After.
 *
 * @remarks The rate is a fixed window holding `burst` requests (default: one second's worth)
 * that lasts burst / requests_per_second seconds: the steady rate is requests_per_second and
 * up to `burst` may come at once.
 */
@Injectable()
export class TenantLimiter {
  private limiter?: Limiter;
  private readonly inflight = new Map<string, number>();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Admits one request of `tenant`, or throws 429; the returned function frees its in-flight slot (call it once, when the request ends). */
  async admit(tenant: Tenant): Promise<() => void> {
    const { requestsPerSecond, maxInflight } = tenant.settings.limits;
    if (requestsPerSecond !== undefined) await this.checkRate(tenant);
    return maxInflight !== undefined ? this.hold(tenant.tenant, maxInflight) : () => undefined;
  }

  /** Requests of this tenant in progress on this node. */
  inflightOf(tenant: string): number {
    return this.inflight.get(tenant) ?? 0;
  }

  private async checkRate(tenant: Tenant): Promise<void> {
    let result: RateLimitResult;
    try {
      // the limiter reads only the route's config and our key callbacks: no HTTP request needed
      const subject = { routeOptions: { config: {} }, [CALLER_KEY]: tenant } as unknown as FastifyRequest;
      result = await this.rateLimiter()(subject);
    } catch (err) {
      throw new UnavailableError(`the rate limit store did not answer: ${(err as Error).message}`, { retryAfterSeconds: 1 });
    }
    if (!result.isAllowed && result.isExceeded) {
      throw new OverloadedError(`tenant "${tenant.tenant}" is over its rate limit (${result.max} requests per window)`, {
        retryAfterSeconds: Math.max(1, result.ttlInSeconds),
      });
    }
  }

  private hold(tenant: string, max: number): () => void {
    const now = this.inflightOf(tenant);
    if (now >= max) throw new OverloadedError(`tenant "${tenant}" has ${now} requests in progress, its limit`, { retryAfterSeconds: 1 });
    this.inflight.set(tenant, now + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = this.inflightOf(tenant) - 1;
      if (left > 0) this.inflight.set(tenant, left);
      else this.inflight.delete(tenant);
    };
  }

  private rateLimiter(): Limiter {
    if (this.limiter) return this.limiter;
    const fastify = this.adapterHost.httpAdapter.getInstance<Partial<FastifyInstance>>();
    if (!fastify.createRateLimit)
      throw new Error('@fastify/rate-limit is not registered: call configureSecurityHttp(app, config) before init');
    const limiter = fastify.createRateLimit({
      keyGenerator: (req: FastifyRequest) => tenantOf(req).tenant,
      max: (req: FastifyRequest) => windowOf(tenantOf(req)).max,
      timeWindow: (req: FastifyRequest) => windowOf(tenantOf(req)).ms,
    });
    this.limiter = limiter;
    return limiter;
  }
}

/** The fixed window that gives `requests_per_second` on average and `burst` at once. */
export function windowOf(tenant: Tenant): { max: number; ms: number } {
  const rate = tenant.settings.limits.requestsPerSecond ?? 1;
  const max = tenant.settings.limits.burst ?? Math.max(1, Math.round(rate));
  return { max, ms: Math.max(1, Math.round((max / rate) * 1000)) };
}

/** The limiter's callbacks get only the subject: it carries its caller (a Tenant). */
function tenantOf(request: FastifyRequest): Tenant {
  return callerOf(request) as Tenant;
}
