import { SwitchyardEvents, type SwitchyardEventMap } from '@switchyard/common';
import { loadConfig } from '@switchyard/config';
import { DeviceHealthService } from './device-health.service';

describe(DeviceHealthService.name, () => {
  let sut: DeviceHealthService;
  let changes: SwitchyardEventMap['device.health'][];

  beforeEach(() => {
    const events = new SwitchyardEvents();
    changes = [];
    events.on('device.health', (e) => changes.push(e));
    const config = loadConfig(
      {},
      {
        HEALTH_SLOW_RUNS: 3,
        HEALTH_RECOVERY_RUNS: 4,
        HEALTH_ERRORS_TO_QUARANTINE: 3,
        HEALTH_PROBE_BACKOFF_MS: 100,
        HEALTH_PROBE_MAX_BACKOFF_MS: 350,
      },
    );
    sut = new DeviceHealthService(config, events);
  });

  const path = () => changes.map((c) => `${c.from}->${c.to}`);

  it('starts healthy, with a reason and an ISO since-time', () => {
    expect(sut.get('gpu:0')).toMatchObject({ state: 'healthy', reason: 'no fault seen' });
    expect(new Date(sut.get('gpu:0').since).toISOString()).toBe(sut.get('gpu:0').since);
  });

  it('degrades after a run of slow runs (not one), and clears after enough good runs in a row', () => {
    sut.reportRun('gpu:0', 500, 10);
    sut.reportRun('gpu:0', 500, 10);
    sut.reportRun('gpu:0', 11, 10); // one normal run breaks the streak
    sut.reportRun('gpu:0', 500, 10);
    sut.reportRun('gpu:0', 500, 10);
    expect(sut.get('gpu:0').state).toBe('healthy');
    sut.reportRun('gpu:0', 500, 10);
    expect(sut.get('gpu:0')).toMatchObject({ state: 'degraded', reason: '3 slow runs in a row: 500 ms for a run predicted at 10 ms' });
    for (let i = 0; i < 3; i++) sut.reportRun('gpu:0', 9, 10);
    expect(sut.get('gpu:0').state).toBe('degraded');
    sut.reportRun('gpu:0', 9, 10);
    expect(sut.get('gpu:0')).toMatchObject({ state: 'healthy', reason: '4 good runs in a row' });
    expect(path()).toEqual(['healthy->degraded', 'degraded->healthy']);
  });

  it('does not call a tiny run slow for a few milliseconds of jitter', () => {
    for (let i = 0; i < 10; i++) sut.reportRun('cpu:0', 5, 0.05); // 100x, but only 5 ms
    expect(sut.get('cpu:0').state).toBe('healthy');
  });

  it('degrades on a failed run and quarantines after failures in a row', () => {
    sut.report('gpu:0', 'error', 'boom');
    expect(sut.get('gpu:0')).toMatchObject({ state: 'degraded', reason: 'a run failed: boom' });
    sut.report('gpu:0', 'error', 'boom');
    sut.report('gpu:0', 'error', 'boom 3');
    expect(sut.get('gpu:0')).toMatchObject({ state: 'quarantined', reason: '3 failed runs in a row: boom 3' });
    expect(sut.isQuarantined('gpu:0')).toBe(true);
  });

  it.each(['hung', 'crashed'] as const)('quarantines at once on a %s run, and only a good probe re-admits it', (signal) => {
    sut.report('gpu:0', signal, `it ${signal}`);
    expect(sut.get('gpu:0')).toMatchObject({ state: 'quarantined', reason: `it ${signal}` });
    for (let i = 0; i < 10; i++) sut.reportRun('gpu:0', 1, 10); // late runs finishing do not re-admit it
    expect(sut.isQuarantined('gpu:0')).toBe(true);
    sut.report('gpu:0', 'probe-ok', 'probe answered in 3 ms');
    expect(sut.get('gpu:0')).toMatchObject({ state: 'healthy', reason: 're-admitted: probe answered in 3 ms' });
    expect(path()).toEqual(['healthy->quarantined', 'quarantined->healthy']);
  });

  it('doubles the probe backoff per failed probe, up to its maximum, and starts over on the next quarantine', () => {
    sut.report('gpu:0', 'hung', 'frozen');
    const delays = [sut.probeDelayMs('gpu:0')];
    for (let i = 0; i < 3; i++) {
      sut.report('gpu:0', 'probe-failed', 'still frozen');
      delays.push(sut.probeDelayMs('gpu:0'));
    }
    expect(delays).toEqual([100, 200, 350, 350]);
    expect(sut.get('gpu:0').reason).toBe('frozen; 3 probe(s) failed, the last: still frozen');
    sut.report('gpu:0', 'probe-ok', 'ok');
    sut.report('gpu:0', 'crashed', 'again');
    expect(sut.probeDelayMs('gpu:0')).toBe(100);
  });

  it('keeps devices apart', () => {
    sut.report('gpu:0', 'hung', 'frozen');
    expect(sut.get('cpu:0').state).toBe('healthy');
  });
});
