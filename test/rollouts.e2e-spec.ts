import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_MODELS, mlpVersion, type VersionedMlpSpec } from '@switchyard/models';
import { maxRelativeError, referenceMlp } from '@switchyard/models/testing';
import { startTestServer, type TestServer } from './support/inference-server';
import { postJson, seededFloats } from './support/v2-client';

const SPEC = DEMO_MODELS.find((m) => m.name === 'mlp_versions') as VersionedMlpSpec;

/**
 * Rollouts on real models (demo mlp_versions): v1 the primary; v2 as small (a good candidate);
 * v3 a much deeper and wider MLP with the same inputs (slow); v4 fails requests of more than one
 * row at run time (faulty). Short analysis intervals; every request is real HTTP and real ORT.
 */
describe('rollouts (e2e, mlp_versions on cpu:0)', () => {
  let dataDir: string;
  let server: TestServer;
  let url: string;
  let sent = 0;

  const boot = async () => {
    server = await startTestServer({ DISABLED_DEVICES: 'gpu:0', MODELS: 'mlp_versions', DATA_DIR: dataDir });
    url = server.url;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sy-rollouts-'));
    await boot();
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const rollout = () => call('GET', '/v1/models/mlp_versions/rollout');
  const start = async (spec: Record<string, unknown>) => {
    const res = await call('PUT', '/v1/models/mlp_versions/rollout', spec);
    expect(res.status).toBe(200);
    return res.body;
  };
  const infer = (rows: number, extra: { id?: string; session?: string } = {}) => {
    const input = seededFloats(rows * 16, ++sent);
    return postJson(
      url,
      '/v2/models/mlp_versions/infer',
      { ...(extra.id ? { id: extra.id } : {}), inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, 16], data: Array.from(input) }] },
      extra.session ? { 'x-switchyard-session': extra.session } : {},
    ).then((res) => ({ ...res, input }));
  };
  /** Sends requests one after another until the rollout leaves `progressing` (or the time is up). */
  const driveUntilSettled = async (
    rows: number,
    limitMs = 60_000,
    onAnswer?: (res: Awaited<ReturnType<typeof infer>>, i: number) => Promise<void>,
  ) => {
    const until = Date.now() + limitMs;
    for (let i = 0; Date.now() < until; i++) {
      const res = await infer(rows, onAnswer ? { id: `req-${sent + 1}` } : {});
      await onAnswer?.(res, i);
      if (i % 5 === 0 && (await rollout()).body.status !== 'progressing') break;
    }
    return (await rollout()).body;
  };
  const versionsOf = async (n: number, rows = 1) => {
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const res = await infer(rows);
      expect(res.status).toBe(200);
      seen.add(res.json.model_version);
    }
    return [...seen].sort();
  };

  it('refuses a bad rollout with the field named, and an unknown version with 404', async () => {
    const bad = await call('PUT', '/v1/models/mlp_versions/rollout', { primary: '1', candidate: '2', weight: 150 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('weight');
    expect((await call('PUT', '/v1/models/mlp_versions/rollout', { primary: '1', candidate: '9' })).status).toBe(404);
    expect((await call('GET', '/v1/models/mlp_tiny/rollout')).status).toBe(404);
  });

  it('rolls back a much slower candidate on p99, after `threshold` failed checks', async () => {
    // 64 rows: v3 needs about 12M multiply-adds a row, v1 2K. The p99 of a thin interval is about its
    // slowest request, so a pause of the host inside v1's window can pass a check; at 64 rows v3 is slow
    // enough (tens of ms on a CPU) that such pauses rarely reach half of it (16 rows once let one promote)
    await start({
      primary: '1',
      candidate: '3',
      weight: 50,
      step_weight: 5,
      max_weight: 90,
      interval_s: 1,
      min_samples: 8,
      threshold: 2,
      max_p99_ratio: 2,
      max_error_rate_delta: 0.5,
    });
    const state = await driveUntilSettled(64);
    // with the steps, so a failure says which checks passed and why
    expect({ status: state.status, steps: state.steps }).toMatchObject({ status: 'rolled_back' });
    expect(state.reason).toMatch(/2 failed check\(s\) in a row: p99 [\d.]+ ms vs primary [\d.]+ ms \(ratio [\d.]+ > 2\)/);
    const decisions = state.steps.map((s: { decision: string }) => s.decision);
    expect(decisions[0]).toBe('start');
    // threshold 2: one failed check, then the rollback (intervals too thin to judge may sit between)
    expect(decisions[decisions.length - 1]).toBe('rollback');
    expect(decisions.filter((d: string) => d !== 'wait').slice(-2)).toEqual(['fail', 'rollback']);
    expect(state.versions['3'].requests).toBeGreaterThanOrEqual(8);
    expect(state.weight).toBe(0);
    expect(await versionsOf(10)).toEqual(['1']);
    // in the metrics: the state, the weight, the decisions, per-version counts as separate labels
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('switchyard_rollout_state{model="mlp_versions",state="rolled_back"} 1');
    expect(metrics).toContain('switchyard_rollout_state{model="mlp_versions",state="progressing"} 0');
    expect(metrics).toContain('switchyard_rollout_weight{model="mlp_versions",primary="1",candidate="3"} 0');
    expect(metrics).toContain('switchyard_rollout_decisions_total{model="mlp_versions",decision="rollback"} 1');
    expect(metrics).toMatch(/switchyard_model_requests_total\{model="mlp_versions",version="3",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/switchyard_model_request_duration_seconds_count\{model="mlp_versions",version="1"\} [1-9]/);
  }, 90_000);

  it('rolls back a candidate that fails requests, on the error rate', async () => {
    await start({
      primary: '1',
      candidate: '4',
      weight: 50,
      interval_s: 0.5,
      min_samples: 5,
      threshold: 2,
      max_error_rate_delta: 0.1,
      max_p99_ratio: 100,
    });
    const state = await driveUntilSettled(2);
    expect(state.status).toBe('rolled_back');
    expect(state.reason).toMatch(/error rate 100\.0% vs primary 0\.0%/);
    expect(state.versions['4'].errors).toBeGreaterThanOrEqual(5);
    // every request lands on the primary again, and succeeds
    expect(await versionsOf(10, 2)).toEqual(['1']);
  }, 90_000);

  it('steps a good candidate up to max_weight and promotes it', async () => {
    await start({
      primary: '1',
      candidate: '2',
      weight: 25,
      step_weight: 25,
      max_weight: 75,
      interval_s: 0.4,
      min_samples: 5,
      threshold: 3,
      max_p99_ratio: 10,
      max_error_rate_delta: 0.05,
    });
    const state = await driveUntilSettled(1);
    expect(state.status).toBe('promoted');
    const steps = state.steps.filter((s: { decision: string }) => s.decision === 'step').map((s: { weight: number }) => s.weight);
    expect(steps).toEqual([50, 75]);
    expect(state.steps[state.steps.length - 1].decision).toBe('promote');
    expect(await versionsOf(10)).toEqual(['2']);
    // a version named in the path is still served
    const pinned = await postJson(url, '/v2/models/mlp_versions/versions/1/infer', {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 16], data: Array(16).fill(0.5) }],
    });
    expect(pinned.json.model_version).toBe('1');
  }, 90_000);

  it('keeps a session on one side of a canary (X-Switchyard-Session) and DELETE sends everything back to the primary', async () => {
    await start({ primary: '1', candidate: '2', weight: 50, max_weight: 50, interval_s: 600 });
    const sessionVersions = async (session: string) => {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) seen.add((await infer(1, { session })).json.model_version);
      return [...seen];
    };
    const sides = new Set<string>();
    // 24 sessions at weight 50: both sides get some (all on one side: 2 in 2^24)
    for (let s = 0; s < 24; s++) {
      const versions = await sessionVersions(`user-${s}`);
      expect(versions).toHaveLength(1);
      sides.add(versions[0]);
    }
    expect([...sides].sort()).toEqual(['1', '2']);
    const aborted = await call('DELETE', '/v1/models/mlp_versions/rollout');
    expect(aborted.body).toMatchObject({ status: 'aborted', weight: 0 });
    expect(await versionsOf(10)).toEqual(['1']);
  }, 90_000);

  it('promotes on accuracy only when the margin is significant (POST /v1/feedback)', async () => {
    const spec = {
      primary: '1',
      candidate: '2',
      weight: 50,
      step_weight: 50,
      max_weight: 50,
      interval_s: 0.3,
      min_samples: 3,
      threshold: 3,
      max_p99_ratio: 10,
      max_error_rate_delta: 0.05,
      accuracy_min_delta: 0.03,
    };
    // the same accuracy (80 %) on both: never significant, the rollout holds at max weight
    await start(spec);
    const judged: Record<string, number> = {};
    const sameAccuracy = async (res: Awaited<ReturnType<typeof infer>>) => {
      const v = res.json.model_version as string;
      judged[v] = (judged[v] ?? 0) + 1;
      const fb = await call('POST', '/v1/feedback', { request_id: res.json.id, correct: judged[v] % 5 !== 0 });
      expect(fb.body).toMatchObject({ request_id: res.json.id, version: v });
    };
    const held = await driveUntilSettled(1, 5_000, sameAccuracy);
    expect(held.status).toBe('progressing');
    const judgedSteps = held.steps.filter((st: { decision: string }) => st.decision !== 'wait');
    expect(judgedSteps[judgedSteps.length - 1].decision).toBe('hold');
    expect(judgedSteps[judgedSteps.length - 1].reason).toContain('waiting for accuracy');
    expect(Math.min(held.versions['1'].feedback.judged, held.versions['2'].feedback.judged)).toBeGreaterThanOrEqual(20);
    await call('DELETE', '/v1/models/mlp_versions/rollout');

    // the candidate right every time (judged by label), the primary 60 %: promoted once significant
    await start(spec);
    const count: Record<string, number> = {};
    const candidateBetter = async (res: Awaited<ReturnType<typeof infer>>) => {
      const v = res.json.model_version as string;
      count[v] = (count[v] ?? 0) + 1;
      const out = res.json.outputs[0].data as number[];
      const predicted = out.indexOf(Math.max(...out));
      const truth = v === '2' || count[v] % 5 < 3 ? predicted : (predicted + 1) % 8;
      expect((await call('POST', '/v1/feedback', { request_id: res.json.id, label: truth })).status).toBe(200);
    };
    const promoted = await driveUntilSettled(1, 60_000, candidateBetter);
    expect(promoted.status).toBe('promoted');
    expect(promoted.reason).toMatch(/accuracy gain 95 % interval \[[\d.]+%, [\d.]+%\] > 3\.0%/);
    expect(promoted.versions['2'].feedback.accuracy).toBe(1);
    expect(promoted.versions['1'].feedback.accuracy).toBeLessThan(0.7);
  }, 120_000);

  it('refuses bad feedback clearly', async () => {
    const res = await infer(1, { id: 'fb-1' });
    expect((await call('POST', '/v1/feedback', { request_id: 'nope', correct: true })).status).toBe(404);
    expect((await call('POST', '/v1/feedback', { request_id: 'fb-1', correct: true, label: 3 })).status).toBe(400);
    expect((await call('POST', '/v1/feedback', { request_id: 'fb-1', correct: 'yes' })).status).toBe(400);
    expect((await call('POST', '/v1/feedback', { request_id: 'fb-1', correct: true })).body).toMatchObject({
      version: res.json.model_version,
      correct: true,
    });
    const again = await call('POST', '/v1/feedback', { request_id: 'fb-1', correct: true });
    expect(again.status).toBe(400);
    expect(again.body.error).toContain('already given');
  });

  it('shadow mode answers from the primary only, mirrors to the candidate and records agreement', async () => {
    await start({ mode: 'shadow', primary: '1', candidate: '3', weight: 100, max_weight: 100, interval_s: 600 });
    for (let i = 0; i < 8; i++) {
      const res = await infer(2);
      expect(res.status).toBe(200);
      expect(res.json.model_version).toBe('1');
      const expected = referenceMlp(mlpVersion(SPEC, 1), res.input, 2);
      expect(maxRelativeError(res.json.outputs[0].data, expected)).toBeLessThan(1e-4);
    }
    let state = (await rollout()).body;
    for (let i = 0; i < 100 && state.versions['3'].compared < 8; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await rollout()).body;
    }
    expect(state.versions['3']).toMatchObject({ requests: 8, errors: 0, compared: 8 });
    expect(state.versions['3'].agreement).toBeGreaterThanOrEqual(0);
    expect(state.versions['3'].agreement).toBeLessThanOrEqual(1);
  }, 60_000);

  it('keeps the rollout state across a restart (SWITCHYARD_DATA_DIR/rollouts.json)', async () => {
    const before = (await rollout()).body;
    const file = JSON.parse(await readFile(join(dataDir, 'rollouts.json'), 'utf8'));
    expect(file.rollouts.map((r: { spec: { model: string } }) => r.spec.model)).toEqual(['mlp_versions']);
    await server.close();
    await boot();
    const after = (await rollout()).body;
    expect(after).toMatchObject({ spec: before.spec, status: before.status, created_at: before.created_at, weight: before.weight });
    expect(after.steps).toEqual(before.steps);
    expect(await versionsOf(3)).toEqual(['1']);
  }, 120_000);
});
