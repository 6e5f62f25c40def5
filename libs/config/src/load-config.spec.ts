import { ConfigValidationError } from './errors/config-validation.error';
import { loadConfig } from './load-config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe(loadConfig.name, () => {
  it('applies defaults', () => {
    const sut = loadConfig({});
    expect(sut.http.port).toBe(8000);
    expect(sut.devices.isolation).toEqual({ cpu: 'thread', gpu: 'process', npu: 'process' });
    expect(sut.devices.costWeights).toEqual({});
  });

  it('parses lists and cost weights from the environment', () => {
    const sut = loadConfig({ SWITCHYARD_DISABLED_DEVICES: 'gpu:0, npu:0', SWITCHYARD_DEVICE_COSTS: 'cpu:0=1,gpu:0=2.5' });
    expect(sut.devices.disabled).toEqual(['gpu:0', 'npu:0']);
    expect(sut.devices.costWeights).toEqual({ 'cpu:0': 1, 'gpu:0': 2.5 });
  });

  it.each([
    [{ SWITCHYARD_PORT: 'eighty' }, 'SWITCHYARD_PORT'],
    [{ SWITCHYARD_DEVICE_COSTS: 'gpu:0=-1' }, 'SWITCHYARD_DEVICE_COSTS'],
    [{ SWITCHYARD_CALIBRATION: 'sometimes' }, 'SWITCHYARD_CALIBRATION'],
    [{ SWITCHYARD_NO_SUCH_OPTION: '1' }, 'SWITCHYARD_NO_SUCH_OPTION: unknown option'],
  ])('fails naming the option for %j', (env, named) => {
    expect(() => loadConfig(env)).toThrow(ConfigValidationError);
    expect(() => loadConfig(env)).toThrow(named);
  });

  it('runs open without an auth file, and refuses to start without one under SWITCHYARD_AUTH=required', () => {
    expect(loadConfig({}).security.auth).toBeUndefined();
    expect(() => loadConfig({ SWITCHYARD_AUTH: 'required' })).toThrow('SWITCHYARD_AUTH=required but SWITCHYARD_AUTH_FILE is not set');
  });

  it('stops the boot on a malformed auth file, naming the file and line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sy-auth-')), 'auth.yaml');
    writeFileSync(
      file,
      ['tenants:', '  - name: shop', '    keys: ["sha256:' + 'c'.repeat(64) + '"]', '    scopes: [inference, root]'].join('\n'),
    );
    expect(() => loadConfig({ SWITCHYARD_AUTH_FILE: file })).toThrow(`SWITCHYARD_AUTH_FILE: ${file}:4: tenants.0.scopes.1`);
    expect(() => loadConfig({ SWITCHYARD_AUTH_FILE: join(file, 'missing') })).toThrow('SWITCHYARD_AUTH_FILE: cannot read');
  });

  it('reads a JSON config file that the environment overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-config-'));
    const file = join(dir, 'switchyard.json');
    writeFileSync(file, JSON.stringify({ PORT: 9100, SCHEDULER_POLICY: 'round-robin' }));
    const sut = loadConfig({ SWITCHYARD_CONFIG_FILE: file, SWITCHYARD_PORT: '9200' });
    expect(sut.http.port).toBe(9200);
    expect(sut.scheduler.policy).toBe('round-robin');
  });

  it('reads the dispatch and calibration options of the scheduler', () => {
    expect(loadConfig({}).scheduler).toMatchObject({ defaultPriorityLevel: 5, calibrationBudgetMs: 3000, calibrationMaxBatch: 32 });
    const sut = loadConfig({
      SWITCHYARD_DEFAULT_PRIORITY_LEVEL: '2',
      SWITCHYARD_CALIBRATION_BUDGET_MS: '800',
      SWITCHYARD_CALIBRATION_MAX_BATCH: '8',
    });
    expect(sut.scheduler).toMatchObject({ defaultPriorityLevel: 2, calibrationBudgetMs: 800, calibrationMaxBatch: 8 });
    expect(() => loadConfig({ SWITCHYARD_DEFAULT_PRIORITY_LEVEL: '0' })).toThrow('SWITCHYARD_DEFAULT_PRIORITY_LEVEL');
  });

  it('reads the drain options (grace and exit timeout)', () => {
    expect(loadConfig({}).shutdown).toEqual({ drainGraceMs: 5000, exitTimeoutMs: 30_000 });
    const sut = loadConfig({ SWITCHYARD_DRAIN_GRACE_MS: '0', SWITCHYARD_EXIT_TIMEOUT_MS: '2500' });
    expect(sut.shutdown).toEqual({ drainGraceMs: 0, exitTimeoutMs: 2500 });
    expect(() => loadConfig({ SWITCHYARD_EXIT_TIMEOUT_MS: '-1' })).toThrow('SWITCHYARD_EXIT_TIMEOUT_MS');
  });

  it('reads the gRPC port: 8001 by default, 0 for a free port, off for none', () => {
    expect(loadConfig({}).grpc).toEqual({ port: 8001 });
    expect(loadConfig({ SWITCHYARD_GRPC_PORT: '0' }).grpc).toEqual({ port: 0 });
    expect(loadConfig({ SWITCHYARD_GRPC_PORT: 'off' }).grpc).toEqual({});
    expect(() => loadConfig({ SWITCHYARD_GRPC_PORT: '70000' })).toThrow('SWITCHYARD_GRPC_PORT');
    expect(() => loadConfig({ SWITCHYARD_GRPC_PORT: 'no' })).toThrow('SWITCHYARD_GRPC_PORT');
  });
});
