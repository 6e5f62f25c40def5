import WebSocket from 'ws';
import { RedisServer } from '@switchyard/jobs/testing';
import { startJobsApp, type JobsApp } from './support/jobs-app';

const LIMIT = 64 * 1024;

/** Opens the stream and resolves with the socket once the "ready" frame came. */
function openStream(url: string): Promise<WebSocket> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/stream`);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.on('message', (raw) => {
      if (JSON.parse((raw as Buffer).toString('utf8')).event === 'ready') resolve(socket);
    });
  });
}

/** The result stream takes frames no larger than a request body may be (issue 10 item 7). */
describe('Result stream payload limit (e2e, WebSocket, real Redis)', () => {
  const redis = new RedisServer();
  let node: JobsApp;

  beforeAll(async () => {
    await redis.start();
    node = await startJobsApp({ REDIS_URL: redis.url, NODE_ID: 'stream-limit-node', BODY_LIMIT_BYTES: LIMIT });
  }, 120_000);

  afterAll(async () => {
    await node?.close();
    await redis.stop();
  });

  it('answers a frame under the limit and closes the socket with 1009 on a frame over it', async () => {
    const socket = await openStream(node.url);
    const answered = new Promise<any>((resolve) => socket.on('message', (raw) => resolve(JSON.parse((raw as Buffer).toString('utf8')))));
    // under the limit: a submission the API reads and refuses (unknown model), on an open socket
    socket.send(JSON.stringify({ event: 'submit', data: { ref: 'small', model_name: 'no_such_model', inputs: [] } }));
    const reply = await answered;
    expect(reply.event).toBe('rejected');
    expect(reply.data.ref).toBe('small');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ event: 'submit', data: { ref: 'big', padding: 'x'.repeat(LIMIT) } }));
    expect(await closed).toBe(1009);
  }, 60_000);
});
