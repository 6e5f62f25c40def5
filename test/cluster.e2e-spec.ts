import type { ClusterView } from '@switchyard/cluster';
import { stopAll, SwitchyardNode } from './support/jobs-node-process';
import { waitFor } from './support/jobs-ports';
import { TcpProxy } from './support/tcp-proxy';

/** Calibration on (the jobs nodes skip it), short, on the CPU only; quick exchange rounds. */
const CLUSTER_ENV: Record<string, string> = {
  SWITCHYARD_CALIBRATION: 'auto',
  SWITCHYARD_MODELS: 'mlp_tiny,mlp_small',
  SWITCHYARD_CALIBRATION_BUDGET_MS: '1500',
  SWITCHYARD_CALIBRATION_MAX_BATCH: '8',
  SWITCHYARD_CLUSTER_SYNC_MS: '300',
};

async function view(node: SwitchyardNode): Promise<ClusterView> {
  const res = await fetch(`${node.url}/v1/cluster`);
  if (res.status !== 200) throw new Error(`GET /v1/cluster: ${res.status}`);
  return (await res.json()) as ClusterView;
}

/** Waits until start-up calibration has seeded the node's estimator (measured or reused). */
function calibrated(node: SwitchyardNode): Promise<ClusterView> {
  return waitFor(
    `${node.nodeId} calibrated`,
    async () => {
      const v = await view(node);
      return v.calibration.status === 'calibrated' || v.calibration.status === 'reused' ? v : undefined;
    },
    120_000,
    200,
  );
}

/** node id -> state version, as one node sees the cluster. */
function versions(v: ClusterView): Record<string, number> {
  return Object.fromEntries(v.nodes.map((n) => [n.nodeId, n.version]));
}

/** Waits until every node's view lists the same nodes at the same versions; returns that map. */
function converged(nodes: SwitchyardNode[], ids: string[]): Promise<Record<string, number>> {
  return waitFor(
    `${nodes.map((n) => n.nodeId).join(' and ')} to agree`,
    async () => {
      const seen = await Promise.all(nodes.map(async (n) => versions(await view(n))));
      const first = JSON.stringify(seen[0]);
      return Object.keys(seen[0]).sort().join() === ids.join() && seen.every((s) => JSON.stringify(s) === first) ? seen[0] : undefined;
    },
    30_000,
    150,
  );
}

async function infer(node: SwitchyardNode, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${node.url}/v2/models/mlp_tiny/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array.from({ length: 16 }, (_, k) => k + i) }],
      }),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
}

/**
 * Real server processes on this machine (same hardware, same models), node-b linked to
 * node-a through a TCP proxy the test cuts and restores.
 */
describe('Shared learning between nodes (e2e, 3 server processes, a TCP link cut and restored)', () => {
  const a = new SwitchyardNode('node-a', CLUSTER_ENV);
  let b: SwitchyardNode | undefined;
  let c: SwitchyardNode | undefined;
  let link: TcpProxy | undefined;

  afterAll(async () => {
    await stopAll([a, b, c]);
    await link?.close();
  });

  it('a node joining with the same hardware starts warm; a split keeps both serving; the heal converges; news crosses two hops', async () => {
    await a.start();
    const cold = await calibrated(a);
    expect(cold.calibration).toMatchObject({ status: 'calibrated' });
    expect(a.log()).toMatch(/calibrated cpu:0 \(2 models\)/);

    link = await TcpProxy.start(a.port);
    b = new SwitchyardNode('node-b', { ...CLUSTER_ENV, SWITCHYARD_PEERS: link.url });
    await b.start();
    const warm = await calibrated(b);
    // same fingerprint, profile taken from node-a: nothing measured at start-up, and sooner ready
    expect(warm.calibration).toMatchObject({ status: 'reused', source: 'cluster:node-a', fingerprint: cold.calibration.fingerprint });
    expect(warm.hardware).toBe(cold.hardware);
    expect(warm.calibration.elapsedMs!).toBeLessThan(cold.calibration.elapsedMs!);
    expect(b.log()).toMatch(/warm start: reusing the calibration profile \w+ of cluster node node-a .*start-up calibration skipped/);
    expect(b.log()).not.toMatch(/calibrated cpu:0/);
    const scheduler = (await (await fetch(`${b.url}/v1/scheduler`)).json()) as { estimates: Array<{ model: string }> };
    expect(scheduler.estimates.map((e) => e.model).sort()).toEqual(['mlp_small@1', 'mlp_tiny@1']);

    const before = await converged([a, b], ['node-a', 'node-b']);
    const nodeB = (await view(a)).nodes.find((n) => n.nodeId === 'node-b')!;
    expect(nodeB).toMatchObject({ sameHardware: true, calibratedBy: 'node-a', calibrationFingerprint: cold.calibration.fingerprint });

    // split: both go on serving and learning on their own state
    link.cut();
    await waitFor('node-b to see its peer unreachable', async () => ((await view(b!)).peers[0].reachable ? undefined : true), 10_000);
    await infer(a, 5);
    await infer(b, 5);
    const [aDuring, bDuring] = [versions(await view(a)), versions(await view(b))];
    expect(aDuring['node-a']).toBeGreaterThan(before['node-a']);
    expect(bDuring['node-b']).toBeGreaterThan(before['node-b']);
    expect(bDuring['node-a']).toBe(before['node-a']); // b has not heard of a's news
    expect(aDuring['node-b']).toBe(before['node-b']);
    const metricsDuring = await (await fetch(`${b.url}/metrics`)).text();
    expect(metricsDuring).toMatch(/^switchyard_cluster_peers\{state="unreachable"\} 1$/m);

    // heal: one exchange carries both sides' news
    link.restore();
    const after = await converged([a, b], ['node-a', 'node-b']);
    expect(after['node-a']).toBeGreaterThanOrEqual(aDuring['node-a']);
    expect(after['node-b']).toBeGreaterThanOrEqual(bDuring['node-b']);
    const healed = await view(b);
    expect(healed.peers[0]).toMatchObject({ nodeId: 'node-a', reachable: true });
    expect(healed.lastMergeAgeMs!).toBeLessThan(5_000);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/^switchyard_cluster_nodes 2$/m);
    expect(metrics).toMatch(/^switchyard_cluster_peers\{state="reachable"\} 1$/m);
    expect(metrics).toMatch(/^switchyard_cluster_last_merge_age_seconds \d/m);

    // gossip: node-c lists only node-b, yet starts warm from node-a's profile and all three agree
    c = new SwitchyardNode('node-c', { ...CLUSTER_ENV, SWITCHYARD_PEERS: b.url });
    await c.start();
    expect((await calibrated(c)).calibration).toMatchObject({ status: 'reused', source: 'cluster:node-a' });
    await converged([a, b, c], ['node-a', 'node-b', 'node-c']);
    expect((await view(a)).nodes.find((n) => n.nodeId === 'node-c')).toMatchObject({ calibratedBy: 'node-a', sameHardware: true });
  });

  it('answers a malformed state with a 400 and goes on', async () => {
    const res = await fetch(`${a.url}/v1/cluster/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'x', state: { nodes: { y: { nodeId: 'z' } } } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/invalid cluster state/);
    expect((await fetch(`${a.url}/v2/health/ready`)).status).toBe(200);
  });
});
