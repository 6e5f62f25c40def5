import { connect, type Socket } from 'node:net';
import { DEMO_MODELS, type MlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceMlp } from '@switchyard/models/testing';
import type { SchedulerStatusDto } from '@switchyard/scheduler';
import { parseExposition, sampleSum } from '../libs/metrics/src/testing/parse-exposition';
import { HAS_PROC, poolHostPid } from './support/child-processes';
import { startTestServer, type TestServer } from './support/inference-server';
import { waitFor } from './support/jobs-ports';
import { postJson, seededFloats, type V2Response } from './support/v2-client';

const MLP_TINY = DEMO_MODELS.find((m) => m.name === 'mlp_tiny') as MlpSpec;
const describeWithProc = HAS_PROC ? describe : describe.skip;

/**
 * A client that disconnects while its request waits in a device queue: the job is dropped, not
 * run. The device is held by freezing its real pool process (SIGSTOP), as a hung driver would.
 */
describeWithProc('Clients that leave (e2e)', () => {
  let server: TestServer;
  let url: string;
  let pool: number;

  beforeAll(async () => {
    // the frozen run is the spec's doing, not a hung device to recycle (RUN_TIMEOUT_MS)
    server = await startTestServer({
      MODELS: 'mlp_tiny',
      DISABLED_DEVICES: 'gpu:0',
      ISOLATE_CPU: 'process',
      CPU_WORKERS: 1,
      RUN_TIMEOUT_MS: 600_000,
    });
    url = server.url;
    pool = poolHostPid(process.pid);
  }, 120_000);

  afterAll(async () => {
    if (pool) process.kill(pool, 'SIGCONT');
    await server?.close();
  });

  async function cpu(): Promise<SchedulerStatusDto['devices'][number]> {
    const status = (await (await fetch(`${url}/v1/scheduler`)).json()) as SchedulerStatusDto;
    return status.devices.find((d) => d.deviceId === 'cpu:0')!;
  }

  async function counts(): Promise<{ finished: number; clientGone: number; batchRequests: number }> {
    const samples = parseExposition(await (await fetch(`${url}/metrics`)).text());
    return {
      finished: sampleSum(samples, 'switchyard_requests_total', { model: 'mlp_tiny@1' }),
      clientGone: sampleSum(samples, 'switchyard_rejected_requests_total', { reason: 'client_gone' }),
      batchRequests: sampleSum(samples, 'switchyard_batch_requests_total', { model: 'mlp_tiny@1' }),
    };
  }

  function body(id: string, seed: number): { id: string; inputs: unknown[] } {
    return { id, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from(seededFloats(16, seed)) }] };
  }

  function checkRow(res: V2Response, seed: number): void {
    expect(res.status).toBe(200);
    expect(maxRelativeError(res.json.outputs[0].data, referenceMlp(MLP_TINY, seededFloats(16, seed), 1))).toBeLessThan(1e-4);
  }

  /** Sends one inference request over a socket this test can destroy (the client "leaves"). */
  function leavingClient(id: string, seed: number): Socket {
    const { hostname, port } = new URL(url);
    const json = Buffer.from(JSON.stringify(body(id, seed)));
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    socket.write(
      `POST /v2/models/mlp_tiny/infer HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${json.length}\r\n\r\n`,
    );
    socket.write(json);
    return socket;
  }

  it('drops the queued request of a client that disconnects: it never runs, the requests around it do', async () => {
    const before = await counts();
    const { capacity } = await cpu();
    process.kill(pool, 'SIGSTOP');
    const holders: Promise<V2Response>[] = [];
    let stayer: Promise<V2Response> | undefined;
    try {
      // one request per slot, each in flight before the next, so that none of them batch together
      for (let i = 0; i < capacity; i++) {
        holders.push(postJson(url, '/v2/models/mlp_tiny/infer', body(`holder-${i}`, 10 + i)));
        await waitFor(`holder ${i} running`, async () => ((await cpu()).inFlight === i + 1 ? true : undefined), 20_000, 20);
      }
      const client = leavingClient('gone-1', 99);
      await waitFor('the leaving client queued', async () => ((await cpu()).queuedJobs === 1 ? true : undefined), 20_000, 20);
      client.destroy();
      await waitFor('its job out of the queue', async () => ((await cpu()).queuedJobs === 0 ? true : undefined), 20_000, 20);
      stayer = postJson(url, '/v2/models/mlp_tiny/infer', body('stayer', 7));
      await waitFor('the staying client queued', async () => ((await cpu()).queuedJobs === 1 ? true : undefined), 20_000, 20);
    } finally {
      process.kill(pool, 'SIGCONT');
    }
    (await Promise.all(holders)).forEach((res, i) => checkRow(res, 10 + i));
    checkRow(await stayer, 7);

    const after = await counts();
    expect(after.clientGone - before.clientGone).toBe(1);
    // the holders and the stayer ran; the request of the client that left did not
    expect(after.finished - before.finished).toBe(capacity + 1);
    expect(after.batchRequests - before.batchRequests).toBe(capacity + 1);
    const status = (await (await fetch(`${url}/v1/scheduler`)).json()) as SchedulerStatusDto;
    const gone = status.recentDecisions.find((d) => d.jobId === 'gone-1');
    expect(gone).toMatchObject({ outcome: 'failed' });
    expect(gone!.error).toContain('closed its connection');
  }, 60_000);

  it('still runs and answers a request whose client stays', async () => {
    const res = await postJson(url, '/v2/models/mlp_tiny/infer', body('after', 3));
    checkRow(res, 3);
    expect((await cpu()).queuedJobs).toBe(0);
  });
});
