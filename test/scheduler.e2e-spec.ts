import { existsSync } from 'node:fs';
import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceMlp } from '@switchyard/models/testing';
import { RuntimeService } from '@switchyard/runtime';
import type { SchedulerStatusDto } from '@switchyard/scheduler';
import { startTestServer, type TestServer } from './support/inference-server';
import { asFloat32, bytesOf, postBinary, postJson, seededFloats, type V2Response } from './support/v2-client';
import { availableOrSkip } from './support/requirements';

const MLP_TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;
const MLP_SMALL = DEMO_MODELS.find((m) => m.name === 'mlp_small') as MlpSpec;
const TOLERANCE = 1e-4;
const MODELS = 'mlp_tiny,mlp_small';

async function schedulerStatus(url: string): Promise<SchedulerStatusDto> {
  const res = await fetch(`${url}/v1/scheduler`);
  expect(res.status).toBe(200);
  return (await res.json()) as SchedulerStatusDto;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The calibrated (or learned) ms of one row of a model on each device. */
function msPerRow(status: SchedulerStatusDto, model: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of status.estimates.filter((x) => x.model === model)) out.set(e.deviceId, e.points[0].ms);
  return out;
}

function fastest(ms: Map<string, number>): string {
  return [...ms.entries()].sort((a, b) => a[1] - b[1])[0][0];
}

/** One row of mlp_small, checked against the reference; returns the device that served it. */
async function inferSmallRow(url: string, seed: number, parameters: Record<string, unknown> = {}): Promise<V2Response> {
  const input = seededFloats(1024, seed);
  const res = await postJson(url, '/v2/models/mlp_small/infer', {
    parameters,
    inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 1024], data: Array.from(input) }],
  });
  expect(res.status).toBe(200);
  expect(maxRelativeError(res.json.outputs[0].data, referenceMlp(MLP_SMALL, input, 1))).toBeLessThan(TOLERANCE);
  return res;
}

const FLOOD_INPUT = seededFloats(64 * 1024, 5);

/**
 * Fills `device` with 64-row mlp_small runs at top priority. Binary in and out: the test client
 * shares the event loop with the server, and JSON of 64K floats would make arrivals slower than
 * the device.
 */
function floodWithSmallBatches(url: string, device: string, count: number): Promise<V2Response[]> {
  const input = bytesOf(FLOOD_INPUT);
  return Promise.all(
    Array.from({ length: count }, () =>
      postBinary(url, '/v2/models/mlp_small/infer', { parameters: { device, priority: 1, binary_data_output: true } }, [
        { name: 'input', datatype: 'FP32', shape: [64, 1024], bytes: input },
      ]),
    ),
  );
}

function expectFloodServed(responses: V2Response[]): void {
  expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
  const expected = referenceMlp(MLP_SMALL, FLOOD_INPUT, 64);
  expect(maxRelativeError(asFloat32(responses[0].binary.get('output')!), expected)).toBeLessThan(TOLERANCE);
}

function share(responses: V2Response[], device: string): number {
  return responses.filter((r) => r.json.parameters.device === device).length / responses.length;
}

/**
 * The scheduler on the real app: CPU and (when the host has one) WebGPU devices, the adaptive
 * policy, calibration at start-up, online learning, deadlines and GET /v1/scheduler.
 */
describe('Scheduler (e2e)', () => {
  describe('calibrated at start-up', () => {
    let server: TestServer;
    let status: SchedulerStatusDto;
    let gpu: string | undefined;

    beforeAll(async () => {
      server = await startTestServer({
        MODELS,
        SCHEDULER_POLICY: 'adaptive',
        CALIBRATION: 'auto',
        CALIBRATION_BUDGET_MS: 1500,
        CALIBRATION_MAX_BATCH: 16,
      });
      status = await waitFor('calibration', async () => {
        const s = await schedulerStatus(server.url);
        return ['waiting', 'running'].includes(s.calibration.status) ? undefined : s;
      });
      gpu = status.devices.find((d) => d.kind === 'gpu')?.deviceId;
    }, 180_000);

    afterAll(async () => {
      await server?.close();
    });

    it('GET /v1/scheduler shows the policies, the stored profile and an estimate per (model, device)', () => {
      expect(status.policy).toEqual({
        default: 'adaptive',
        available: expect.arrayContaining(['adaptive', 'adaptive-cost-blind', 'round-robin', 'random', 'least-loaded', 'fastest-device']),
      });
      expect(status.calibration).toMatchObject({ mode: 'auto', status: 'calibrated', pairsTotal: 2 * status.devices.length });
      expect(status.calibration.pairsDone).toBe(status.calibration.pairsTotal);
      expect(status.calibration.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(existsSync(status.calibration.profileFile!)).toBe(true);
      for (const device of status.devices) {
        expect(device).toMatchObject({ inFlight: 0, queuedJobs: 0 });
        expect(device.capacity).toBeGreaterThan(0);
        for (const model of ['mlp_tiny@1', 'mlp_small@1']) {
          const estimate = status.estimates.find((e) => e.model === model && e.deviceId === device.deviceId);
          expect(estimate?.points[0].batchSize).toBe(1);
          expect(estimate!.points[0].ms).toBeGreaterThan(0);
          expect(estimate!.points[0].samples).toBeGreaterThanOrEqual(1);
        }
      }
    });

    it('sends a concurrent burst of mlp_small mostly to the faster device and reports each decision', async () => {
      const faster = fastest(msPerRow(status, 'mlp_small@1'));
      const responses = await Promise.all(Array.from({ length: 32 }, (_, i) => inferSmallRow(server.url, 100 + i)));
      for (const r of responses) {
        expect(r.json.parameters).toMatchObject({ policy: 'adaptive', device: expect.any(String), predicted_ms: expect.any(Number) });
        expect(r.json.parameters.batch_size).toBeGreaterThanOrEqual(1);
      }
      expect(share(responses, faster)).toBeGreaterThanOrEqual(0.75);
      console.log(
        `burst of 32 on mlp_small: ${status.devices.map((d) => `${d.deviceId} ${Math.round(share(responses, d.deviceId) * 100)}%`).join(', ')}`,
      );
      const after = await schedulerStatus(server.url);
      const decided = after.recentDecisions.filter((d) => d.model === 'mlp_small@1' && d.policy === 'adaptive');
      expect(decided.length).toBeGreaterThanOrEqual(32);
      expect(decided[0]).toMatchObject({ outcome: 'ok', predictedMs: expect.any(Number), actualMs: expect.any(Number) });
      const learned = after.estimates.find((e) => e.model === 'mlp_small@1' && e.deviceId === faster)!;
      expect(learned.points.reduce((n, p) => n + p.samples, 0)).toBeGreaterThan(
        status.estimates.find((e) => e.model === 'mlp_small@1' && e.deviceId === faster)!.points.reduce((n, p) => n + p.samples, 0),
      );
    }, 120_000);

    it('uses the other device for mlp_tiny while the faster one is backed up, and the faster one again once idle', async () => {
      if (!availableOrSkip('webgpu', gpu !== undefined, 'GET /v1/scheduler lists no gpu device')) return;
      const tinyMs = msPerRow(status, 'mlp_tiny@1');
      const faster = fastest(tinyMs);
      const other = [...tinyMs.keys()].find((d) => d !== faster)!;
      const input = seededFloats(16, 9);
      const tiny = async () => {
        const res = await postJson(server.url, '/v2/models/mlp_tiny/infer', {
          inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(input) }],
        });
        expect(res.status).toBe(200);
        expect(maxRelativeError(res.json.outputs[0].data, referenceMlp(MLP_TINY, input, 1))).toBeLessThan(TOLERANCE);
        expect(res.json.parameters.policy).toBe('adaptive');
        return res.json.parameters.device as string;
      };
      // mlp_tiny requests (three at a time) while the faster device works off a flood of mlp_small
      let flooding = true;
      const flood = floodWithSmallBatches(server.url, faster, 32).finally(() => (flooding = false));
      const during: string[] = [];
      const probe = async () => {
        while (flooding) during.push(await tiny());
      };
      await Promise.all([probe(), probe(), probe()]);
      expectFloodServed(await flood);
      const idle = [await tiny(), await tiny()];
      console.log(`mlp_tiny during the flood of ${faster}: ${during.filter((d) => d === other).length} of ${during.length} on ${other}`);
      expect(during).toContain(other);
      expect(idle).toEqual([faster, faster]);
    }, 120_000);

    it('refuses up front, with 429 and Retry-After, a timeout that no device can meet', async () => {
      const res = await postJson(server.url, '/v2/models/mlp_small/infer', {
        parameters: { timeout: 1 },
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 1024], data: Array.from(seededFloats(1024, 3)) }],
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(res.json.error).toMatch(/^no device can finish mlp_small@1 within its timeout of 0\.001 ms: .*cannot meet deadline/);
    });

    it('refuses a job pinned to a device too slow for its timeout that another device could meet', async () => {
      if (!availableOrSkip('webgpu', gpu !== undefined, 'GET /v1/scheduler lists no gpu device')) return;
      const ms = msPerRow(status, 'mlp_small@1');
      const slower = [...ms.entries()].sort((a, b) => b[1] - a[1])[0];
      const timeoutUs = Math.floor((slower[1] / 2) * 1000);
      const body = (parameters: Record<string, unknown>) => ({
        parameters,
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 1024], data: Array.from(seededFloats(1024, 4)) }],
      });
      const pinned = await postJson(server.url, '/v2/models/mlp_small/infer', body({ timeout: timeoutUs, device: slower[0] }));
      expect(pinned.status).toBe(429);
      expect(pinned.json.error).toContain(`${slower[0]}: cannot meet deadline`);
      const free = await postJson(server.url, '/v2/models/mlp_small/infer', body({ timeout: timeoutUs }));
      expect(free.status).toBe(200);
      expect(free.json.parameters.device).not.toBe(slower[0]);
    });
  });

  describe('without calibration (learning online)', () => {
    let server: TestServer;

    beforeAll(async () => {
      // one task at a time on the WebGPU device, so a running one holds the queue behind it
      server = await startTestServer({ MODELS, SCHEDULER_POLICY: 'adaptive', CALIBRATION: 'skip', GPU_CONCURRENT_TASKS: 1 });
    }, 180_000);

    afterAll(async () => {
      await server?.close();
    });

    it('learns the devices from served requests alone and then avoids the slower one for mlp_small', async () => {
      const before = await schedulerStatus(server.url);
      expect(before.estimates.filter((e) => e.model === 'mlp_small@1')).toEqual([]);
      // a few requests pinned to each device are all the estimator gets to see
      for (const device of before.devices) {
        for (let i = 0; i < 3; i++)
          expect((await inferSmallRow(server.url, 50 + i, { device: device.deviceId })).json.parameters.device).toBe(device.deviceId);
      }
      const learned = await schedulerStatus(server.url);
      const perRow = msPerRow(learned, 'mlp_small@1');
      for (const device of learned.devices) {
        expect(learned.estimates.find((e) => e.model === 'mlp_small@1' && e.deviceId === device.deviceId)?.points).toEqual([
          { batchSize: 1, ms: expect.any(Number), samples: 3 },
        ]);
      }
      const faster = fastest(perRow);
      const burst = await Promise.all(Array.from({ length: 24 }, (_, i) => inferSmallRow(server.url, 2000 + i)));
      console.log(
        `after learning online (${[...perRow].map(([d, ms]) => `${d} ${ms.toFixed(1)} ms`).join(', ')}): ${learned.devices.map((d) => `${d.deviceId} ${Math.round(share(burst, d.deviceId) * 100)}%`).join(', ')}`,
      );
      expect(share(burst, faster)).toBeGreaterThanOrEqual(0.8);
    }, 180_000);
  });

  describe('behind a device that holds its job (a CPU pool process frozen with SIGSTOP, on every host)', () => {
    let server: TestServer;

    beforeAll(async () => {
      // one CPU slot in its own process; runs bounded at 60 s so that the freeze is not taken for a hang
      server = await startTestServer({
        MODELS,
        CALIBRATION: 'skip',
        DISABLED_DEVICES: 'gpu:0',
        CPU_WORKERS: 1,
        ISOLATE_CPU: 'process',
        RUN_TIMEOUT_MS: 60_000,
      });
    }, 180_000);

    afterAll(async () => {
      await server?.close();
    });

    it('drops a job whose timeout expires in the queue with 504, and lets the job ahead of it finish', async () => {
      const cpu = (await schedulerStatus(server.url)).devices.find((d) => d.deviceId === 'cpu:0')!;
      expect(cpu.capacity).toBe(1);
      const pid = server.app.get(RuntimeService).pool('cpu:0')?.stats().pid;
      if (pid === undefined) throw new Error('cpu:0 has no pool process');
      process.kill(pid, 'SIGSTOP');
      let ahead: Promise<V2Response> | undefined;
      try {
        ahead = inferSmallRow(server.url, 1, { device: 'cpu:0' });
        await waitFor('a task running on cpu:0', async () =>
          (await schedulerStatus(server.url)).devices.find((d) => d.deviceId === 'cpu:0')!.inFlight > 0 ? true : undefined,
        );
        // mlp_tiny has no estimate there yet, so nothing predicts the wait: it is admitted, then expires in the queue
        const res = await postJson(server.url, '/v2/models/mlp_tiny/infer', {
          parameters: { device: 'cpu:0', timeout: 20_000 },
          inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(seededFloats(16, 1)) }],
        });
        expect(res.status).toBe(504);
        expect(res.json).toEqual({ error: 'timed out after 20 ms in the queue of cpu:0' });
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      const aheadResponse = await ahead;
      expect(aheadResponse.json.parameters).toMatchObject({ device: 'cpu:0', policy: 'pinned' });
      const after = await schedulerStatus(server.url);
      expect(after.calibration.status).toBe('skipped');
      expect(after.recentDecisions.find((d) => d.model === 'mlp_tiny@1')).toMatchObject({
        outcome: 'failed',
        error: 'timed out after 20 ms in the queue of cpu:0',
      });
      expect(after.devices.find((d) => d.deviceId === 'cpu:0')).toMatchObject({ queuedJobs: 0, inFlight: 0 });
    }, 120_000);
  });
});
