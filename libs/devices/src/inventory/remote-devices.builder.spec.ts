import { buildRemoteDevices } from './remote-devices.builder';
import { DISABLED_REASON } from './device-config';

describe(buildRemoteDevices.name, () => {
  const remotes = [
    { name: 'cloud', url: 'http://h:8000', costWeight: 4, concurrency: 32, connectTimeoutMs: 5000, keyEnv: 'K', key: 'secret' },
    { name: 'edge', url: 'http://e:8000', costWeight: 1, concurrency: 8, connectTimeoutMs: 5000 },
  ];

  it('lists each remote tier as a usable device remote:<name> without its token; DEVICE_COSTS overrides the entry cost', () => {
    const sut = buildRemoteDevices(remotes, [], { 'remote:edge': 0.5 });
    expect(sut).toEqual([
      {
        id: 'remote:cloud',
        kind: 'remote',
        vendor: 'KServe v2',
        name: 'http://h:8000',
        executionProvider: null,
        usable: true,
        costWeight: 4,
        details: { url: 'http://h:8000', concurrency: 32, authenticated: true },
      },
      expect.objectContaining({
        id: 'remote:edge',
        costWeight: 0.5,
        details: { url: 'http://e:8000', concurrency: 8, authenticated: false },
      }),
    ]);
    expect(JSON.stringify(sut)).not.toContain('secret');
  });

  it('disables the ones SWITCHYARD_DISABLED_DEVICES names', () => {
    const [cloud, edge] = buildRemoteDevices(remotes, ['remote:edge'], {});
    expect(cloud.usable).toBe(true);
    expect(edge).toMatchObject({ usable: false, reason: DISABLED_REASON });
  });
});
