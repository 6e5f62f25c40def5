import { z } from 'zod';
import { API_SCOPES } from '@switchyard/common';

const positiveInt = z.number().int().min(1);

/** The auth file (YAML or JSON): `tenants`, each with key digests, scopes and limits. */
export const authFileSchema = z
  .object({
    tenants: z
      .array(
        z
          .object({
            name: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, ".", "-" or "_" (at most 64)'),
            keys: z
              .array(
                z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a key digest is "sha256:" and 64 lowercase hex digits (never the key itself)'),
              )
              .min(1),
            scopes: z.array(z.enum(API_SCOPES)).min(1),
            limits: z
              .object({
                requests_per_second: z.number().positive(),
                burst: positiveInt,
                max_inflight: positiveInt,
                max_priority: positiveInt,
                models: z.array(z.string().min(1)),
                devices: z.array(z.string().min(1)),
                jobs_queued: positiveInt,
              })
              .partial()
              .strict()
              .default({}),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    const keys = new Set<string>();
    file.tenants.forEach((tenant, i) => {
      if (names.has(tenant.name))
        ctx.addIssue({ code: 'custom', path: ['tenants', i, 'name'], message: `tenant "${tenant.name}" is listed twice` });
      names.add(tenant.name);
      tenant.keys.forEach((key, j) => {
        if (keys.has(key))
          ctx.addIssue({ code: 'custom', path: ['tenants', i, 'keys', j], message: 'this key digest belongs to another tenant too' });
        keys.add(key);
      });
    });
  });

export type AuthFile = z.output<typeof authFileSchema>;
