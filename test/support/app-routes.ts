import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { INFER_ROUTES } from '@switchyard/inference';

export interface AppRoute {
  method: string;
  /** e.g. /v2/models/:model/infer */
  path: string;
}

/**
 * Every HTTP route of the running app, read from its controllers' metadata (the app's real list),
 * and the /v2 infer routes, which are registered on Fastify directly (InferRoutes).
 */
export function appRoutes(app: INestApplication): AppRoute[] {
  const routes: AppRoute[] = INFER_ROUTES.map((path) => ({ method: 'POST', path }));
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => object) | null;
      if (!type) continue;
      const base = paths(Reflect.getMetadata(PATH_METADATA, type));
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = type.prototype[name as keyof object] as unknown;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        for (const prefix of base) {
          for (const tail of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
            const path = `/${[prefix, tail].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
            routes.push({ method: RequestMethod[method], path });
          }
        }
      }
    }
  }
  return routes;
}

function paths(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : ''];
}
