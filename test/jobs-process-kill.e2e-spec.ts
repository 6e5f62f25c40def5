import { SwitchyardStreamClient, type StreamResult } from '../clients/switchyard-stream-client';
import { mlpCase, resultMismatch, submitJobs, waitForJobs } from './support/jobs-client';
import { SwitchyardNode } from './support/jobs-node-process';
import { sleep, waitFor } from './support/jobs-ports';
import { describeEachStore, storeHarness, type StoreKind } from './support/jobs-stores';

/**
 * One real server process killed with SIGKILL in the middle of its jobs, then started again on
 * the same store: every accepted job completes, and is reported once on the result stream (the
 * client resumes from its last seq through the outage). On SQLite the jobs in flight at the kill
 * run again at start; on Redis Bull redelivers them once their locks expire.
 */
describeEachStore(
  (kind) => `Jobs through a kill -9 and restart of the server (e2e, ${kind} store)`,
  (kind: StoreKind) => {
    const store = storeHarness(kind);
    let node: SwitchyardNode;

    beforeAll(async () => {
      await store.start();
      const env = Object.fromEntries(Object.entries(store.options()).map(([k, v]) => [`SWITCHYARD_${k}`, v]));
      node = await new SwitchyardNode('kill-node', env).start(150_000);
    }, 180_000);

    afterAll(async () => {
      await node?.stop('SIGKILL');
      await store.stop();
    });

    it('completes every accepted job once, the stream resuming across the restart', async () => {
      const client = new SwitchyardStreamClient({ url: node.url, reconnectDelayMs: 50, maxReconnectDelayMs: 500 });
      client.on('error', () => undefined);
      await client.connect();
      const results: StreamResult[] = [];
      client.on('result', (r: StreamResult) => results.push(r));
      const cases = Array.from({ length: 300 }, (_, i) => mlpCase(80_000 + i, 8 + (i % 8)));
      const { jobIds } = await client.submit({ requests: cases.map((c) => c.body) });
      // and some over REST, accepted just before the kill
      const rest = Array.from({ length: 20 }, (_, i) => mlpCase(81_000 + i, 4));
      const restIds: string[] = (await submitJobs(node.url, { requests: rest.map((c) => c.body) })).body.job_ids;

      await waitFor('some results', async () => (results.length >= 15 ? true : undefined), 60_000, 10);
      expect(results.length).toBeLessThan(300); // the kill lands in the middle of the work
      await node.stop('SIGKILL');
      await sleep(300);
      await node.start(150_000);

      const all = [...jobIds, ...restIds];
      const views = await waitForJobs(node.url, all, 120_000);
      [...cases, ...rest].forEach((c, i) => {
        expect(views.get(all[i]).state).toBe('completed');
        expect(resultMismatch(views.get(all[i]).result, c.expected)).toBeUndefined();
      });
      await waitFor('300 stream results', async () => (results.length >= 300 ? true : undefined), 30_000, 20);
      await sleep(300);
      client.close();
      expect(results.map((r) => r.seq)).toEqual(results.map((_, i) => i + 1));
      expect(results.map((r) => r.job_id).sort()).toEqual([...jobIds].sort());
      if (kind === 'sqlite') expect(node.log()).toMatch(/[1-9]\d* job\(s\) cut by the last exit run again/);
    }, 300_000);
  },
);
