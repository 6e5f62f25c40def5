import { SwitchyardEvents } from '@switchyard/common';
import { RemoteTierWaitService } from './remote-tier-wait.service';

describe(RemoteTierWaitService.name, () => {
  let events: SwitchyardEvents;
  let sut: RemoteTierWaitService;
  beforeEach(() => {
    events = new SwitchyardEvents();
    sut = new RemoteTierWaitService(events);
  });
  afterEach(() => sut.onModuleDestroy());

  it('releases the waiters of a device that turns healthy by priority, then oldest first', async () => {
    const order: string[] = [];
    const waits = [
      ['p3', 3, 1],
      ['p1-late', 1, 5],
      ['p2', 2, 2],
      ['p1-early', 1, 4],
    ].map(([name, priority, at]) =>
      sut.wait('remote:cloud', priority as number, at as number, 60_000).then(() => order.push(name as string)),
    );
    const other = sut.wait('remote:edge', 1, 0, 60_000).then(() => order.push('edge'));
    expect(sut.count('remote:cloud')).toBe(4);
    events.emit('device.health', { deviceId: 'remote:cloud', from: 'quarantined', to: 'degraded', reason: 'x' });
    events.emit('device.health', { deviceId: 'remote:cloud', from: 'quarantined', to: 'healthy', reason: 're-admitted' });
    await Promise.all(waits);
    expect(order).toEqual(['p1-early', 'p1-late', 'p2', 'p3']);
    expect(sut.count('remote:cloud')).toBe(0);
    expect(sut.count('remote:edge')).toBe(1);
    sut.onModuleDestroy();
    await other;
  });

  it('ends a wait after its pause when the device stays down', async () => {
    const started = Date.now();
    await sut.wait('remote:cloud', 1, 0, 30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(sut.count('remote:cloud')).toBe(0);
  });
});
