import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { callerOf, OverloadedError, UnavailableError } from '@switchyard/common';
import type { ServerResponse } from 'node:http';
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Tenant } from '../auth/tenant';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
type RateLimitResult = Awaited<ReturnType<Limiter>>;

/**
 * A tenant's limits on one request: its request rate (@fastify/rate-limit's store, in Redis
 * when configured, so every node counts against the same window) and its requests in progress
 * on this node. Over either: 429 with Retry-After.
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

  /** `response` is the raw response: its 'close' (sent, or the client went away) frees the in-flight slot. */
  async admit(request: FastifyRequest, response: ServerResponse, tenant: Tenant): Promise<void> {
    const { requestsPerSecond, maxInflight } = tenant.settings.limits;
    if (requestsPerSecond !== undefined) await this.checkRate(request, tenant);
    if (maxInflight !== undefined) this.hold(response, tenant.tenant, maxInflight);
  }

  /** Requests of this tenant in progress on this node. */
  inflightOf(tenant: string): number {
    return this.inflight.get(tenant) ?? 0;
  }

  private async checkRate(request: FastifyRequest, tenant: Tenant): Promise<void> {
    let result: RateLimitResult;
    try {
      result = await this.rateLimiter()(request);
    } catch (err) {
      throw new UnavailableError(`the rate limit store did not answer: ${(err as Error).message}`, { retryAfterSeconds: 1 });
    }
    if (!result.isAllowed && result.isExceeded) {
      throw new OverloadedError(`tenant "${tenant.tenant}" is over its rate limit (${result.max} requests per window)`, {
        retryAfterSeconds: Math.max(1, result.ttlInSeconds),
      });
    }
  }

  private hold(response: ServerResponse, tenant: string, max: number): void {
    const now = this.inflightOf(tenant);
    if (now >= max) throw new OverloadedError(`tenant "${tenant}" has ${now} requests in progress, its limit`, { retryAfterSeconds: 1 });
    this.inflight.set(tenant, now + 1);
    response.once('close', () => {
      const left = this.inflightOf(tenant) - 1;
      if (left > 0) this.inflight.set(tenant, left);
      else this.inflight.delete(tenant);
    });
  }

  private rateLimiter(): Limiter {
    if (this.limiter) return this.limiter;
    const fastify = this.adapterHost.httpAdapter.getInstance<Partial<FastifyInstance>>();
    if (!fastify.createRateLimit) throw new Error('@fastify/rate-limit is not registered: call configureSecurityHttp(app, config) before init');
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

/** The limiter's callbacks get only the request: the guard has set its caller (a Tenant) on it. */
function tenantOf(request: FastifyRequest): Tenant {
  return callerOf(request) as Tenant;
}
