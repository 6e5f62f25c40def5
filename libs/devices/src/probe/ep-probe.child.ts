/**
 * Execution-provider probe, run as a child process (child_process.fork) so that a driver that
 * crashes or hangs takes only this process down. Receives one ProbeRequest over IPC, creates a
 * session of the tiny Add model with that EP, runs it, checks the numbers and that ORT's profile
 * placed the node on that EP, answers one ProbeResult and exits.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { ProbeRequest, ProbeResult } from '../interfaces/probe-result.interface';
import { ORT_PROVIDER_NAMES } from './probe-provider-names';

const A = [1.5, -2];
const B = [0.25, 8];

async function probe(req: ProbeRequest): Promise<ProbeResult> {
  const started = performance.now();
  const profileDir = mkdtempSync(join(tmpdir(), 'sy-probe-'));
  try {
    const ort = await import('onnxruntime-node');
    // At info level ORT logs the hardware it discovers ("Discovered OrtHardwareDevice {...}") to
    // stderr, which the parent reads: onnxruntime-node exposes no WebGPU adapter info otherwise.
    ort.env.logLevel = 'info';
    const provider: InferenceSession.ExecutionProviderConfig =
      req.deviceId === undefined ? req.ep : { name: req.ep, deviceId: req.deviceId };
    const session = await ort.InferenceSession.create(req.model, {
      executionProviders: [provider],
      enableProfiling: true,
      profileFilePrefix: join(profileDir, 'probe'),
    });
    const out = await session.run({
      a: new ort.Tensor('float32', Float32Array.from(A), [2]),
      b: new ort.Tensor('float32', Float32Array.from(B), [2]),
    });
    session.endProfiling();
    await session.release();
    const ms = performance.now() - started;
    const got = Array.from(out.c.data as Float32Array);
    const want = A.map((a, i) => a + B[i]);
    if (got.length !== 2 || got.some((v, i) => v !== want[i])) {
      return { ok: false, error: `the probe computed [${got.join(',')}] instead of [${want.join(',')}]`, ms };
    }
    const placedOn = providersFromProfile(profileDir);
    const expected = ORT_PROVIDER_NAMES[req.ep];
    if (!placedOn.includes(expected)) {
      const where = placedOn.length ? placedOn.join(', ') : 'no provider (empty profile)';
      return { ok: false, error: `ORT fell back: the probe ran on ${where}, not ${expected}`, placedOn, ms };
    }
    return { ok: true, placedOn, ms };
  } catch (err) {
    return { ok: false, error: firstLine(err), ms: performance.now() - started };
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
}

/** ORT's profile (Chrome trace JSON) names the provider of every node it ran. */
function providersFromProfile(dir: string): string[] {
  const providers = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cat?: string; args?: { provider?: string } }[];
    for (const e of events) if (e.cat === 'Node' && e.args?.provider) providers.add(e.args.provider);
  }
  return [...providers];
}

/** ORT's message without its source path and C++ signature ("...cc:136 ... was false. Failed to ..."). */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n').find((l) => l.trim()) ?? text;
  return /was false\. (.+)$/.exec(line)?.[1] ?? line.replace(/^\/onnxruntime_src\/\S+:\d+ /, '');
}

process.once('message', (req: ProbeRequest) => {
  void probe(req).then((result) => process.send?.(result, () => process.exit(0)));
});
