import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommonModule, SwitchyardEvents } from '@switchyard/common';
import { loadConfig, SwitchyardConfigModule } from '@switchyard/config';
import type { DeviceInfo } from '@switchyard/devices';
import { register as globalRegistry } from 'prom-client';
import type { StatsSnapshot } from './interfaces/stats-snapshot.interface';
import { MetricsModule } from './metrics.module';
import { parseExposition, sampleSum, sampleValue } from './testing/parse-exposition';

const cpu: DeviceInfo = {
  id: 'cpu:0',
  kind: 'cpu',
  vendor: 'GenuineIntel',
  name: 'Test CPU',
  executionProvider: 'cpu',
  usable: true,
  costWeight: 1,
  details: {},
  memoryBytes: 8 * 2 ** 30,
};
const npu: DeviceInfo = {
  id: 'npu:0',
  kind: 'npu',
  vendor: 'Intel',
  name: 'NPU',
  executionProvider: null,
  usable: false,
  reason: 'no EP',
  costWeight: 1,
  details: {},
};

/** The devices lib's inventory is not part of this lib; a fixed list stands in for its list(). */
class FixedInventory {
  list(): DeviceInfo[] {
    return [cpu, npu];
  }
}

@Module({ providers: [FixedInventory], exports: [FixedInventory] })
class InventoryModule {}

describe(MetricsModule.name, () => {
  let app: NestFastifyApplication;
  let events: SwitchyardEvents;

  beforeAll(async () => {
    @Module({
      imports: [
        SwitchyardConfigModule.forConfig(loadConfig({}, { TELEMETRY_INTERVAL_MS: 0, SCHEDULER_POLICY: 'least-loaded' })),
        CommonModule,
        MetricsModule.forRoot({ imports: [InventoryModule], devices: FixedInventory, pools: null, scheduler: null }),
      ],
    })
    class TestAppModule {}
    app = await NestFactory.create<NestFastifyApplication>(TestAppModule, new FastifyAdapter(), { logger: false, abortOnError: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    events = app.get(SwitchyardEvents);
  });

  afterAll(() => app.close());

  const get = (url: string) => app.getHttpAdapter().getInstance().inject({ method: 'GET', url });
  const scrape = async () => parseExposition((await get('/metrics')).body);

  it('serves the text exposition with its content type, from its own registry', async () => {
    const res = await get('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('# TYPE switchyard_requests_total counter');
    expect(res.body).toContain('# TYPE switchyard_inference_duration_seconds histogram');
    expect(res.body).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(globalRegistry.getSingleMetric('switchyard_requests_total')).toBeUndefined();
  });

  it('counts completed jobs per device, model and outcome, with histograms in seconds', async () => {
    const before = await scrape();
    const base = { model: 'mlp_tiny', deviceId: 'cpu:0', policy: 'least-loaded', batchSize: 1, jobId: 'x' };
    events.emit('job.completed', { ...base, outcome: 'ok', queueMs: 0.3, runMs: 0.05, totalMs: 0.5, predictedMs: 0.4 });
    events.emit('job.completed', { ...base, outcome: 'ok', queueMs: 2, runMs: 30, totalMs: 40, predictedMs: 80 });
    events.emit('job.completed', { ...base, outcome: 'error', errorReason: 'Worker died: SIGSEGV', queueMs: 1, runMs: 0, totalMs: 3 });
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => sampleSum(after, name, labels) - sampleSum(before, name, labels);
    const dev = { device: 'cpu:0', kind: 'cpu', model: 'mlp_tiny' };

    expect(delta('switchyard_requests_total', { ...dev, outcome: 'ok' })).toBe(2);
    expect(delta('switchyard_requests_total', { ...dev, outcome: 'error' })).toBe(1);
    expect(delta('switchyard_errors_total', { device: 'cpu:0', kind: 'cpu', reason: 'worker_died_sigsegv' })).toBe(1);
    // Run time of successful runs only: 50 us falls in the 0.0001 s bucket, 30 ms in 0.05 s.
    expect(delta('switchyard_inference_duration_seconds_count', dev)).toBe(2);
    expect(delta('switchyard_inference_duration_seconds_bucket', { ...dev, le: '0.0001' })).toBe(1);
    expect(delta('switchyard_inference_duration_seconds_bucket', { ...dev, le: '0.025' })).toBe(1);
    expect(delta('switchyard_inference_duration_seconds_bucket', { ...dev, le: '0.05' })).toBe(2);
    expect(delta('switchyard_inference_duration_seconds_sum', dev)).toBeCloseTo(0.03005, 9);
    expect(delta('switchyard_request_duration_seconds_sum', dev)).toBeCloseTo(0.0435, 9);
    expect(delta('switchyard_queue_wait_seconds_count', dev)).toBe(3);
    // |0.4 - 0.5| / 0.5 = 0.2 and |80 - 40| / 40 = 1.
    const pe = { policy: 'least-loaded', device: 'cpu:0' };
    expect(delta('switchyard_prediction_error_ratio_bucket', { ...pe, le: '0.25' })).toBe(1);
    expect(delta('switchyard_prediction_error_ratio_bucket', { ...pe, le: '1' })).toBe(2);
    expect(delta('switchyard_prediction_error_ratio_sum', pe)).toBeCloseTo(1.2, 9);
    expect(delta('switchyard_device_busy_seconds_total', { device: 'cpu:0', kind: 'cpu' })).toBeGreaterThan(0.03 - 1e-9);
  });

  it('counts decisions, batches, rejections and worker restarts', async () => {
    const before = await scrape();
    events.emit('scheduler.decision', { policy: 'least-loaded', model: 'mlp_tiny', deviceId: 'cpu:0', predictedMs: 2, decisionUs: 7 });
    events.emit('scheduler.decision', { policy: 'least-loaded', model: 'mlp_tiny', deviceId: 'cpu:0', decisionUs: 30 });
    events.emit('batch.dispatched', { deviceId: 'cpu:0', model: 'mlp_tiny', batchSize: 12, requests: 3 });
    events.emit('job.rejected', { model: 'mlp_tiny', reason: 'overload', deviceId: 'cpu:0' });
    events.emit('job.rejected', { model: 'no-such-model', reason: 'invalid' });
    events.emit('worker.restarted', { deviceId: 'cpu:0', workerId: 1, reason: 'exit 134' });
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => sampleSum(after, name, labels) - sampleSum(before, name, labels);

    expect(delta('switchyard_scheduler_decisions_total', { policy: 'least-loaded', device: 'cpu:0' })).toBe(2);
    expect(delta('switchyard_scheduler_decision_duration_seconds_bucket', { policy: 'least-loaded', le: '0.00001' })).toBe(1);
    expect(delta('switchyard_scheduler_decision_duration_seconds_count', { policy: 'least-loaded' })).toBe(2);
    expect(delta('switchyard_batches_total', { device: 'cpu:0', model: 'mlp_tiny' })).toBe(1);
    expect(delta('switchyard_batch_requests_total', { device: 'cpu:0', model: 'mlp_tiny' })).toBe(3);
    expect(delta('switchyard_batch_size_bucket', { device: 'cpu:0', le: '8' })).toBe(0);
    expect(delta('switchyard_batch_size_bucket', { device: 'cpu:0', le: '16' })).toBe(1);
    expect(delta('switchyard_rejected_requests_total', { device: 'cpu:0', reason: 'overload' })).toBe(1);
    expect(delta('switchyard_rejected_requests_total', { device: 'none', reason: 'invalid' })).toBe(1);
    expect(delta('switchyard_worker_restarts_total', { device: 'cpu:0', kind: 'cpu' })).toBe(1);
    // A user-supplied model name never becomes a label.
    expect(after.some((s) => Object.values(s.labels).includes('no-such-model'))).toBe(false);
  });

  it('keeps labels bounded: unknown device ids and excess models collapse to "other"', async () => {
    for (let i = 0; i < 80; i++) events.emit('batch.dispatched', { deviceId: 'cpu:0', model: `m${i}`, batchSize: 1, requests: 1 });
    events.emit('batch.dispatched', { deviceId: 'evil"device', model: 'm1', batchSize: 1, requests: 1 });
    const after = await scrape();
    const models = new Set(after.filter((s) => s.name === 'switchyard_batches_total').map((s) => s.labels.model));
    expect(models.size).toBeLessThanOrEqual(65);
    expect(models).toContain('other');
    expect(sampleValue(after, 'switchyard_batches_total', { device: 'other', model: 'm1' })).toBe(1);
  });

  it('exports every inventory device as info, with gauges of the usable ones', async () => {
    const after = await scrape();
    expect(sampleValue(after, 'switchyard_device_info', { device: 'cpu:0', kind: 'cpu', ep: 'cpu', usable: 'true' })).toBe(1);
    expect(sampleValue(after, 'switchyard_device_info', { device: 'npu:0', kind: 'npu', ep: 'none', usable: 'false' })).toBe(1);
    expect(sampleValue(after, 'switchyard_device_memory_total_bytes', { device: 'cpu:0' })).toBe(8 * 2 ** 30);
    expect(sampleValue(after, 'switchyard_queue_limit', { device: 'cpu:0' })).toBe(1024);
    expect(sampleValue(after, 'switchyard_queue_limit', { device: 'npu:0' })).toBeUndefined();
    const busy = sampleValue(after, 'switchyard_device_busy_ratio', { device: 'cpu:0' });
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBeLessThanOrEqual(1);
  });

  it('answers GET /v1/stats with devices, activity and recent decisions', async () => {
    const res = await get('/v1/stats');
    expect(res.statusCode).toBe(200);
    const stats = res.json<StatsSnapshot>();
    expect(stats.devices.map((d) => d.id)).toEqual(['cpu:0', 'npu:0']);
    const cpuView = stats.devices.find((d) => d.id === 'cpu:0')!;
    expect(cpuView).toMatchObject({
      kind: 'cpu',
      executionProvider: 'cpu',
      usable: true,
      completedTotal: 2,
      errorsTotal: 1,
      utilizationSource: 'busy-ratio',
    });
    // Three jobs of 0.5, 40 and 3 ms in the 10 s window.
    expect(cpuView.throughputPerSecond).toBeCloseTo(0.3, 10);
    expect(cpuView.latencyMs).toEqual({ p50: 3, p99: 40 });
    expect(stats.devices.find((d) => d.id === 'npu:0')).toMatchObject({ usable: false, reason: 'no EP' });
    expect(stats.scheduler.policy).toBe('least-loaded');
    expect(stats.scheduler.recentDecisions[0]).toMatchObject({ deviceId: 'cpu:0', decisionUs: 30, predictedMs: null });
    expect(stats.scheduler.recentDecisions[1]).toMatchObject({ predictedMs: 2 });
    expect(stats.totals).toEqual({ completed: 2, errors: 1, rejected: 2 });
  });

  it('serves the status page and its assets at / with their content types', async () => {
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>Switchyard status</title>');
    const js = await get('/status-page/status-page.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await get('/status-page/status-page.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });
});
