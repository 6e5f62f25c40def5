import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import rateLimit from '@fastify/rate-limit';
import type { SwitchyardConfig } from '@switchyard/config';
import Redis from 'ioredis';
import { AuditLog } from '../audit/audit-log.service';

/**
 * Wires the HTTP side of security into the app: @fastify/rate-limit (its store in Redis when
 * SWITCHYARD_REDIS_URL is set, so every node counts against one window per tenant; the
 * TenantLimiter asks it, no route hook), the x-request-id echo and the audit log's hooks.
 *
 * @remarks Call after NestFactory.create and before app.init()/listen(), like
 * configureInferenceHttp.
 */
export async function configureSecurityHttp(app: NestFastifyApplication, config: SwitchyardConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const redis =
    config.redis.url && config.security.auth ? new Redis(config.redis.url, { maxRetriesPerRequest: 1, connectTimeout: 2000 }) : undefined;
  redis?.on('error', () => undefined); // each limited request reports its own failure (503)
  await app.register(rateLimit, {
    global: false,
    ...(redis ? { redis, nameSpace: `${config.jobs.prefix}:ratelimit:` } : {}),
  });
  if (redis) fastify.addHook('onClose', async () => void (await redis.quit().catch(() => undefined)));
  // the id every log and audit line of the request carries (a client's x-request-id is kept)
  // a callback hook: an async one costs a promise per request
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  const audit = app.get(AuditLog);
  if (audit.enabled) {
    fastify.addHook('preParsing', async (request, _reply, payload) => audit.tapInput(request, payload));
    fastify.addHook('onSend', async (request, _reply, payload) => {
      audit.noteOutput(request, payload);
      return payload;
    });
    fastify.addHook('onResponse', async (request, reply) => audit.record(request, reply));
  }
}
