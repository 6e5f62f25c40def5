import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** A tenant for a test auth file; `key` is generated and only its digest is written. */
export interface TestTenant {
  name: string;
  scopes: string[];
  limits?: Record<string, unknown>;
}

/** Writes an auth file (YAML) for `tenants`; returns its path and each tenant's fresh key. */
export function writeAuthFile(tenants: TestTenant[]): { path: string; keys: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'sy-auth-'));
  const keys: Record<string, string> = {};
  const file = {
    tenants: tenants.map((t) => {
      keys[t.name] = `sy_${randomBytes(24).toString('base64url')}`;
      return {
        name: t.name,
        keys: [`sha256:${createHash('sha256').update(keys[t.name]).digest('hex')}`],
        scopes: t.scopes,
        ...(t.limits ? { limits: t.limits } : {}),
      };
    }),
  };
  const path = join(dir, 'auth.yaml');
  writeFileSync(path, stringify(file));
  return { path, keys };
}

/** A fresh ed25519 key pair as PEM files; returns their paths and the public PEM. */
export function writeKeyPair(): { privatePath: string; publicPath: string; publicPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sy-keys-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePath = join(dir, 'private.pem');
  const publicPath = join(dir, 'public.pem');
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(publicPath, publicPem);
  return { privatePath, publicPath, publicPem };
}
