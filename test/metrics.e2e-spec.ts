import { totalmem } from 'node:os';
import type { StatsSnapshot } from '@switchyard/metrics';
import { parseExposition, sampleSum, sampleValue, type ExpositionSample } from '../libs/metrics/src/testing/parse-exposition';
import { startTestServer, type TestServer } from './support/inference-server';
import { postJson, seededFloats } from './support/v2-client';
import { availableOrSkip } from './support/requirements';

const MODEL = 'mlp_tiny@1';

/** GET /metrics over real HTTP, after real inferences on real pools. */
describe('Metrics (e2e)', () => {
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer({ MODELS: 'mlp_tiny', TELEMETRY_INTERVAL_MS: 250 });
    url = server.url;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  async function scrape(): Promise<ExpositionSample[]> {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(await res.text());
  }

  async function stats(): Promise<StatsSnapshot> {
    return (await fetch(`${url}/v1/stats`)).json() as Promise<StatsSnapshot>;
  }

  /** One mlp_tiny request of `rows` rows pinned to `device`; returns the device that served it. */
  async function infer(device: string, rows: number, seed: number): Promise<string> {
    const res = await postJson(url, '/v2/models/mlp_tiny/infer', {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, 16], data: Array.from(seededFloats(rows * 16, seed)) }],
      parameters: { device },
    });
    expect(res.status).toBe(200);
    return res.json.parameters.device;
  }

  const diff = (before: ExpositionSample[], after: ExpositionSample[]) => (name: string, labels: Record<string, string>) =>
    sampleSum(after, name, labels) - sampleSum(before, name, labels);

  async function checkDeviceCounters(device: string, kind: string, requests: number): Promise<void> {
    const before = await scrape();
    let rows = 0;
    for (let i = 0; i < requests; i++) {
      rows += 1 + (i % 3);
      expect(await infer(device, 1 + (i % 3), i)).toBe(device);
    }
    const delta = diff(before, await scrape());
    const labels = { device, kind, model: MODEL };

    expect(delta('switchyard_requests_total', { ...labels, outcome: 'ok' })).toBe(requests);
    expect(delta('switchyard_requests_total', { ...labels, outcome: 'error' })).toBe(0);
    for (const h of ['switchyard_inference_duration_seconds', 'switchyard_queue_wait_seconds', 'switchyard_request_duration_seconds']) {
      expect(delta(`${h}_count`, labels)).toBe(requests);
      expect(delta(`${h}_bucket`, { ...labels, le: '+Inf' })).toBe(requests);
    }
    expect(delta('switchyard_inference_duration_seconds_sum', labels)).toBeGreaterThan(0);
    // Latency includes the run: its sum is at least the run time's.
    expect(delta('switchyard_request_duration_seconds_sum', labels)).toBeGreaterThanOrEqual(
      delta('switchyard_inference_duration_seconds_sum', labels),
    );
    // Sequential requests: every row of every request went through a session run on this device.
    expect(delta('switchyard_batch_requests_total', labels)).toBe(requests);
    expect(delta('switchyard_batch_size_sum', labels)).toBe(rows);
    expect(delta('switchyard_scheduler_decisions_total', { policy: 'pinned', device })).toBe(requests);
    expect(delta('switchyard_device_busy_seconds_total', { device, kind })).toBeGreaterThan(0);
  }

  it('counts requests, latency, queue wait, batches and decisions for the CPU that served them', async () => {
    await checkDeviceCounters('cpu:0', 'cpu', 8);
  });

  it('attributes WebGPU requests to gpu:0 and leaves the CPU series alone', async () => {
    const gpu = (await stats()).devices.find((d) => d.id === 'gpu:0');
    if (
      !availableOrSkip('webgpu', gpu?.usable === true && gpu.workers > 0, `gpu:0 is ${gpu ? (gpu.reason ?? 'without workers') : 'absent'}`)
    )
      return;
    const before = await scrape();
    await checkDeviceCounters('gpu:0', 'gpu', 3);
    const delta = diff(before, await scrape());
    expect(delta('switchyard_requests_total', { device: 'cpu:0' })).toBe(0);
  });

  it('reports pool state, host telemetry and device facts as gauges', async () => {
    await new Promise((resolve) => setTimeout(resolve, 600)); // at least one telemetry sample
    const samples = await scrape();
    const scheduler = (await (await fetch(`${url}/v1/scheduler`)).json()) as {
      devices: Array<{ deviceId: string; pool: { workers: number; capacity: number } }>;
    };
    const cpuPool = scheduler.devices.find((d) => d.deviceId === 'cpu:0')!.pool;
    const cpu = { device: 'cpu:0', kind: 'cpu' };

    expect(sampleValue(samples, 'switchyard_workers', cpu)).toBe(cpuPool.workers);
    expect(sampleValue(samples, 'switchyard_device_capacity', cpu)).toBe(cpuPool.capacity);
    expect(sampleValue(samples, 'switchyard_inflight', cpu)).toBe(0);
    expect(sampleValue(samples, 'switchyard_queue_depth', cpu)).toBe(0);
    expect(sampleValue(samples, 'switchyard_device_info', { ...cpu, ep: 'cpu', usable: 'true' })).toBe(1);
    expect(sampleValue(samples, 'switchyard_device_memory_total_bytes', cpu)).toBe(totalmem());
    const used = sampleValue(samples, 'switchyard_device_memory_used_bytes', cpu)!;
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(totalmem());
    const utilization = sampleValue(samples, 'switchyard_device_utilization_ratio', cpu)!;
    expect(utilization).toBeGreaterThanOrEqual(0);
    expect(utilization).toBeLessThanOrEqual(1);
    expect(sampleValue(samples, 'switchyard_telemetry_sample_duration_seconds_count')).toBeGreaterThan(0);
    expect(sampleValue(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('counts a request refused for its deadline under its reason', async () => {
    const before = await scrape();
    const res = await postJson(url, '/v2/models/mlp_tiny/infer', {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(seededFloats(16, 99)) }],
      parameters: { timeout: 1 }, // 1 us: no device can finish in time
    });
    expect(res.status).toBe(429);
    const delta = diff(before, await scrape());
    expect(
      delta('switchyard_rejected_requests_total', { reason: 'deadline' }) +
        delta('switchyard_rejected_requests_total', { reason: 'expired' }),
    ).toBe(1);
    expect(delta('switchyard_requests_total', {})).toBe(0);
  });

  it('answers /v1/stats in agreement with the counters', async () => {
    const snapshot = await stats();
    const samples = await scrape();
    const cpu = snapshot.devices.find((d) => d.id === 'cpu:0')!;
    expect(cpu).toMatchObject({ kind: 'cpu', executionProvider: 'cpu', usable: true, errorsTotal: 0 });
    expect(cpu.completedTotal).toBe(sampleSum(samples, 'switchyard_requests_total', { device: 'cpu:0', outcome: 'ok' }));
    expect(cpu.throughputPerSecond).toBeGreaterThan(0);
    expect(cpu.latencyMs.p50).toBeGreaterThan(0);
    expect(cpu.latencyMs.p99).toBeGreaterThanOrEqual(cpu.latencyMs.p50!);
    // The scheduler's own log, with outcomes: the latest settled decision served mlp_tiny.
    expect(snapshot.scheduler.recentDecisions[0]).toMatchObject({ model: MODEL, outcome: expect.stringMatching(/^(ok|pending|failed)$/) });
    expect(snapshot.scheduler.recentDecisions.some((d) => d.outcome === 'ok' && d.actualMs! > 0)).toBe(true);
    expect(snapshot.scheduler.decisionsTotal).toBe(sampleSum(samples, 'switchyard_scheduler_decisions_total'));
  });
});
