import { Global, Module, type DynamicModule } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { SWITCHYARD_CONFIG, loadConfig } from '@switchyard/config';
import { cpus } from 'node:os';
import { availableOrSkip } from '../../../test/support/requirements';
import { DevicesController } from './devices.controller';
import { DevicesModule } from './devices.module';
import type { DevicesResponseDto } from './dto/devices-response.dto';
import { DISABLED_REASON } from './inventory/device-config';

/** The config from `overrides` alone: the test runner's own environment is not the service's. */
@Global()
@Module({})
class TestConfigModule {
  static with(overrides: Record<string, string>): DynamicModule {
    const provider = { provide: SWITCHYARD_CONFIG, useValue: loadConfig({}, overrides) };
    return { module: TestConfigModule, providers: [provider], exports: [provider] };
  }
}

/** Boots DevicesModule with the real adapters (real probes in child processes) behind Fastify. */
async function boot(overrides: Record<string, string> = {}): Promise<{ app: NestFastifyApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({ imports: [TestConfigModule.with(overrides), DevicesModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: `${await app.getUrl()}/v1/devices` };
}

describe(DevicesController.name, () => {
  let app: NestFastifyApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('serves the real inventory at GET /v1/devices: a usable cpu:0, and gpu:0 when WebGPU works', async () => {
    const booted = await boot({ DEVICE_COSTS: 'cpu:0=2' });
    app = booted.app;
    const res = await fetch(booted.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as DevicesResponseDto;
    expect(body.devices[0]).toMatchObject({ id: 'cpu:0', kind: 'cpu', executionProvider: 'cpu', usable: true, costWeight: 2 });
    expect(body.devices[0].details).toMatchObject({ logicalCores: cpus().length });
    expect(body.devices[0].health).toMatchObject({ state: 'healthy', reason: 'no fault seen' });
    expect(Date.parse(body.devices[0].health!.since)).toBeLessThanOrEqual(Date.now());
    expect(body.executionProviders.find((s) => s.ep === 'cpu')?.probe).toMatchObject({ ok: true, placedOn: ['CPUExecutionProvider'] });

    const webgpu = body.executionProviders.find((s) => s.ep === 'webgpu');
    if (!availableOrSkip('webgpu', !!webgpu?.probe?.ok, `webgpu probe: ${webgpu?.probe?.error ?? webgpu?.reason}`)) return;
    expect(body.devices.find((d) => d.executionProvider === 'webgpu')).toMatchObject({
      id: 'gpu:0',
      kind: 'gpu',
      usable: true,
      costWeight: 1,
    });
  }, 120_000);

  it('serves a disabled device as unusable with the reason', async () => {
    const booted = await boot({ DISABLED_DEVICES: 'cpu:0' });
    app = booted.app;
    const body = (await (await fetch(booted.url)).json()) as DevicesResponseDto;
    expect(body.devices[0]).toMatchObject({ id: 'cpu:0', usable: false, reason: DISABLED_REASON });
    expect(body.devices[0].health).toBeUndefined();
  }, 120_000);
});
