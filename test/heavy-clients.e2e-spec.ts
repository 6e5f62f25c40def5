import type { Socket } from 'node:net';
import { bigEchoBody } from '../libs/inference/src/testing/big-echo-body';
import { startTestServer, type TestServer } from './support/inference-server';
import { openRawHttp } from './support/raw-http';
import { postJson } from './support/v2-client';

const MB = 2 ** 20;
const LIMIT = 48 * MB;
const ECHO = '/v2/models/dtype_echo/infer';

/** Sends the headers of a request that declares `contentLength` and none of its body: it holds those bytes. */
function holdBytes(url: string, contentLength: number): Promise<Socket> {
  const { socket } = openRawHttp(url, 120_000);
  const head = `POST ${ECHO} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;
  return new Promise((resolve) => socket.write(head, () => resolve(socket)));
}

async function postBody(url: string, body: Buffer) {
  const res = await fetch(`${url}${ECHO}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as any };
}

const smallRequest = { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => i / 16) }] };

/** Heavy clients (issue 10 items 6 and 7): big JSON bodies off the event loop, admission by bytes in flight. */
describe('heavy clients (e2e)', () => {
  let server: TestServer;
  const big = bigEchoBody(10 * MB);

  beforeAll(async () => {
    server = await startTestServer({ DISABLED_DEVICES: 'gpu:0', MAX_INFLIGHT_BYTES: LIMIT });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('answers a 10 MB JSON body with every value echoed', async () => {
    expect(big.body.length).toBeGreaterThan(9 * MB);
    const res = await postBody(server.url, big.body);
    expect(res.status).toBe(200);
    for (const [dtype, sent] of Object.entries(big.values)) {
      const output = res.json.outputs.find((o: { name: string }) => o.name === `out_${dtype.toLowerCase()}`);
      expect(output.shape).toEqual([big.elements]);
      // FP32 prints the 9 digits that identify each float32: compare as float32
      const expected = dtype === 'FP32' ? sent.map((v) => Math.fround(v as number)) : sent;
      const got = dtype === 'FP32' ? output.data.map(Math.fround) : output.data;
      expect(got).toEqual(expected);
    }
  }, 120_000);

  it('keeps answering /v2/health/live and /v2/health/ready while 10 MB bodies are in flight', async () => {
    let done = false;
    const heavy = Promise.all(Array.from({ length: 4 }, () => postBody(server.url, big.body))).finally(() => (done = true));
    const probes: number[] = [];
    while (!done) {
      for (const path of ['/v2/health/live', '/v2/health/ready']) {
        // a blocked event loop would leave the probe unanswered: the 2 s bound is far above a free loop's
        const res = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(2000) });
        probes.push(res.status);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const answers = await heavy;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(probes.length).toBeGreaterThanOrEqual(4);
    expect(probes.every((s) => s === 200)).toBe(true);
  }, 180_000);

  describe('admission by bytes in flight', () => {
    let held: Socket | undefined;

    afterEach(() => held?.destroy());

    it('refuses a body that would pass SWITCHYARD_MAX_INFLIGHT_BYTES with 429 and Retry-After while smaller ones pass', async () => {
      held = await holdBytes(server.url, LIMIT - 8 * MB);
      // the small request goes through while 40 MB are held (and its answer shows the hold was read)
      const small = await postJson(server.url, '/v2/models/mlp_tiny/infer', smallRequest);
      expect(small.status).toBe(200);
      const refused = await postBody(server.url, big.body);
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(refused.json.error).toContain('SWITCHYARD_MAX_INFLIGHT_BYTES');
      // once the held request's connection closes its bytes are free again
      held.destroy();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await postBody(server.url, big.body)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
    }, 120_000);

    it('counts a chunked body as it arrives and refuses it once it passes the limit', async () => {
      held = await holdBytes(server.url, LIMIT - 8 * MB);
      const { socket, response } = openRawHttp(server.url, 60_000);
      socket.write(`POST ${ECHO} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      let answered = false;
      void response.then(
        () => (answered = true),
        () => (answered = true),
      );
      const chunk = Buffer.alloc(MB, 0x20);
      let sent = 0;
      while (!answered && sent < 40 * MB && !socket.destroyed) {
        await new Promise<void>((resolve) =>
          socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`, () => resolve()),
        );
        sent += chunk.length;
      }
      const res = await response;
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('1');
      expect(JSON.parse(res.body.toString()).error).toContain('SWITCHYARD_MAX_INFLIGHT_BYTES');
      expect(sent).toBeLessThan(40 * MB);
    }, 120_000);

    it('refuses a body that can never fit with 413 before reading it', async () => {
      const { socket, response } = openRawHttp(server.url);
      socket.write(`POST ${ECHO} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`);
      const res = await response;
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body.toString()).error).toContain(`larger than SWITCHYARD_MAX_INFLIGHT_BYTES (${LIMIT})`);
    }, 60_000);
  });
});
