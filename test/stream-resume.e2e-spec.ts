import WebSocket from 'ws';
import { SwitchyardStreamClient, type StreamResult } from '../clients/switchyard-stream-client';
import { startJobsApp, type JobsApp } from './support/jobs-app';
import { mlpCase, resultMismatch, type JobCase } from './support/jobs-client';
import { sleep, waitFor } from './support/jobs-ports';
import { describeEachStore, storeHarness, type StoreKind } from './support/jobs-stores';

/** A raw WebSocket on the stream that records every frame. */
class RawStream {
  readonly frames: { event: string; data: any }[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<void>;

  private cut = false;

  /** `cutAfterResults`: the connection is dropped the moment that many results were seen, and nothing after them is recorded. */
  constructor(url: string, cutAfterResults?: number) {
    this.socket = new WebSocket(url);
    // ws's default binaryType hands each message over as one Buffer
    this.socket.on('message', (raw) => {
      if (this.cut) return;
      this.frames.push(JSON.parse((raw as Buffer).toString('utf8')));
      if (cutAfterResults !== undefined && this.of('result').length >= cutAfterResults) {
        this.cut = true;
        this.socket.terminate();
      }
    });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }

  of(event: string): any[] {
    return this.frames.filter((f) => f.event === event).map((f) => f.data);
  }

  until(event: string, count: number, timeoutMs = 20_000): Promise<any[]> {
    return waitFor(
      `${count} "${event}" frame(s)`,
      async () => (this.of(event).length >= count ? this.of(event) : undefined),
      timeoutMs,
      10,
    );
  }

  send(event: string, data: unknown): void {
    this.socket.send(JSON.stringify({ event, data }));
  }
}

/**
 * The result stream over a real WebSocket: results as they finish, cut connections, resume; the
 * same cases on the embedded SQLite store and on a real redis-server.
 */
describeEachStore(
  (kind) => `Result stream (e2e, WebSocket, ${kind} store)`,
  (kind: StoreKind) => {
    const store = storeHarness(kind);
    let node: JobsApp;
    let ws: string;

    beforeAll(async () => {
      await store.start();
      node = await startJobsApp({ ...store.options(), NODE_ID: 'stream-node' });
      ws = node.url.replace('http', 'ws');
    }, 120_000);

    afterAll(async () => {
      await node?.close();
      await store.stop();
    });

    const expectAllOnce = (results: StreamResult[], ids: string[], cases: JobCase[]) => {
      expect(results.map((r) => r.seq)).toEqual(results.map((_, i) => i + 1));
      expect(results.map((r) => r.job_id).sort()).toEqual([...ids].sort());
      const byId = new Map(results.map((r) => [r.job_id, r]));
      ids.forEach((id, i) => {
        expect(byId.get(id)!.state).toBe('completed');
        expect(resultMismatch(byId.get(id)!.result, cases[i].expected)).toBeUndefined();
      });
    };

    it('resumes after a cut from the last seq seen: the missed results in order, nothing lost or twice', async () => {
      // cut the moment the 10th result is seen: on a fast host all 40 could otherwise arrive first
      const first = new RawStream(`${ws}/v1/stream`, 10);
      await first.opened;
      const [ready] = await first.until('ready', 1);
      expect(ready).toEqual({ stream: expect.any(String), after: 0, last_seq: 0 });
      const cases = Array.from({ length: 40 }, (_, i) => mlpCase(300 + i, 1 + (i % 3)));
      first.send('submit', { ref: 'batch-1', requests: cases.map((c) => c.body) });
      const [accepted] = await first.until('accepted', 1);
      expect(accepted).toEqual({ ref: 'batch-1', job_ids: expect.any(Array), replayed: false });
      await first.until('result', 10);
      const seen = first.of('result') as StreamResult[];
      const last = seen[seen.length - 1].seq;
      expect(seen.map((r) => r.seq)).toEqual(seen.map((_, i) => i + 1));

      await sleep(300); // results keep finishing while nobody listens
      const second = new RawStream(`${ws}/v1/stream?stream=${ready.stream}&after=${last}`);
      await second.until('ready', 1);
      const rest = (await second.until('result', 40 - last)) as StreamResult[];
      expect(second.of('ready')[0]).toMatchObject({ stream: ready.stream, after: last });
      expect(rest[0].seq).toBe(last + 1);
      expectAllOnce([...seen, ...rest], accepted.job_ids, cases);
      expect(rest[0]).toMatchObject({ node: 'stream-node', device: 'cpu:0', model_name: 'mlp_tiny' });
      second.socket.close();
    }, 60_000);

    it('the client in clients/ reconnects through repeated cuts and gets every result once, in order', async () => {
      const client = new SwitchyardStreamClient({ url: node.url, reconnectDelayMs: 20 });
      client.on('error', () => undefined);
      await client.connect();
      const results: StreamResult[] = [];
      client.on('result', (r: StreamResult) => {
        results.push(r);
        if (results.length % 7 === 0) client.dropConnection();
      });
      const cases: JobCase[] = [];
      const ids: string[] = [];
      for (let batch = 0; batch < 3; batch++) {
        const batchCases = Array.from({ length: 15 }, (_, i) => mlpCase(700 + batch * 100 + i));
        cases.push(...batchCases);
        ids.push(...(await client.submit({ requests: batchCases.map((c) => c.body) })).jobIds);
      }
      await waitFor('45 results', async () => (results.length >= 45 ? true : undefined), 30_000, 20);
      await sleep(200);
      client.close();
      expect(client.connections).toBeGreaterThan(3);
      expectAllOnce(results, ids, cases);
    }, 60_000);

    it('sends a submission again after a cut without enqueuing it twice', async () => {
      const client = new SwitchyardStreamClient({ url: node.url, reconnectDelayMs: 20 });
      client.on('error', () => undefined);
      await client.connect();
      const results: StreamResult[] = [];
      client.on('result', (r: StreamResult) => results.push(r));
      const cases = Array.from({ length: 5 }, (_, i) => mlpCase(900 + i));
      // Cut right after sending: the server may or may not have seen the submission.
      const submitted = client.submit({ requests: cases.map((c) => c.body) });
      await sleep(0);
      client.dropConnection();
      const { jobIds } = await submitted;
      await waitFor('5 results', async () => (results.length >= 5 ? true : undefined), 20_000, 20);
      await sleep(500);
      client.close();
      expectAllOnce(results, jobIds, cases);
    }, 40_000);

    it('refuses a bad submission with its status and keeps the stream open; a new reader can replay from 0', async () => {
      const raw = new RawStream(`${ws}/v1/stream`);
      const [ready] = await raw.until('ready', 1);
      raw.send('submit', { ref: 7, model_name: 'mlp_tiny', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] });
      const [rejected] = await raw.until('rejected', 1);
      expect(rejected).toMatchObject({ ref: 7, status: 400, error: expect.stringContaining("input 'input'") });
      const cases = [mlpCase(990), mlpCase(991)];
      raw.send('submit', { ref: 8, requests: cases.map((c) => c.body) });
      const results = await raw.until('result', 2);
      raw.socket.close();

      const replay = new RawStream(`${ws}/v1/stream?stream=${ready.stream}&after=0`);
      const again = await replay.until('result', 2);
      expect(again).toEqual(results);
      replay.socket.close();

      const badQuery = new RawStream(`${ws}/v1/stream?after=3`);
      const [error] = await badQuery.until('error', 1);
      expect(error).toEqual({ status: 400, error: expect.stringContaining('"after" needs "stream"') });
    }, 30_000);
  },
);
