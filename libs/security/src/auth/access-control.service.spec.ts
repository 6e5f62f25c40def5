import { createHash } from 'node:crypto';
import { HttpAdapterHost } from '@nestjs/core';
import { ForbiddenError, OverloadedError, UnauthorizedError } from '@switchyard/common';
import { loadConfig, type TenantSettings } from '@switchyard/config';
import { TenantLimiter } from '../limits/tenant-limiter.service';
import { AccessControl } from './access-control.service';
import { TenantDirectory } from './tenant-directory.service';

const digest = (key: string) => `sha256:${createHash('sha256').update(key).digest('hex')}`;

function accessFor(tenants: TenantSettings[] | undefined): AccessControl {
  const base = loadConfig({}, { LOG_LEVEL: 'error' });
  const config = { ...base, security: { ...base.security, ...(tenants ? { auth: { file: 'auth.yaml', tenants } } : {}) } };
  const directory = new TenantDirectory(config);
  return new AccessControl(directory, new TenantLimiter(new HttpAdapterHost()));
}

/** The transport-free API (HTTP's guard uses it; a gRPC server passes its metadata as the header record). */
describe(AccessControl.name, () => {
  const sut = accessFor([
    {
      name: 'shop',
      keyDigests: [digest('shop-key')],
      scopes: ['inference'],
      limits: { models: ['mlp_*'], devices: ['cpu:*'], maxInflight: 1 },
    },
  ]);

  it('finds the tenant of a Bearer key or an x-api-key', () => {
    expect(sut.authenticate({ authorization: 'Bearer shop-key' })?.tenant).toBe('shop');
    expect(sut.authenticate({ 'x-api-key': 'shop-key' })?.tenant).toBe('shop');
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { 'x-api-key': 'other' }],
    ['a non-Bearer Authorization', { authorization: 'Basic c2hvcA==' }],
  ])('refuses %s with UnauthorizedError', (_what, headers) => {
    expect(() => sut.authenticate(headers)).toThrow(UnauthorizedError);
  });

  it('authorizes by scope, model and device allow-lists', () => {
    const shop = sut.authenticate({ 'x-api-key': 'shop-key' });
    expect(() => sut.authorize(shop, 'inference', { model: 'mlp_tiny', device: 'cpu:0' })).not.toThrow();
    expect(() => sut.authorize(shop, 'admin')).toThrow(ForbiddenError);
    expect(() => sut.authorize(shop, 'inference', { model: 'cnn_small' })).toThrow('may not use model "cnn_small"');
    expect(() => sut.authorize(shop, 'inference', { device: 'gpu:0' })).toThrow('may not run on device "gpu:0"');
  });

  it('holds an in-flight slot until released', async () => {
    const shop = sut.authenticate({ 'x-api-key': 'shop-key' });
    const release = await sut.admit(shop);
    await expect(sut.admit(shop)).rejects.toThrow(OverloadedError);
    release();
    release(); // a second call frees nothing more
    const again = await sut.admit(shop);
    await expect(sut.admit(shop)).rejects.toThrow(OverloadedError);
    again();
  });

  it('lets everything through without an auth file (the open mode)', async () => {
    const open = accessFor(undefined);
    expect(open.enabled).toBe(false);
    const nobody = open.authenticate({});
    expect(nobody).toBeUndefined();
    expect(() => open.authorize(nobody, 'admin', { model: 'anything' })).not.toThrow();
    (await open.admit(nobody))();
  });
});
