/**
 * Piscina worker of one device: holds pinned onnxruntime sessions for the device's execution
 * provider (created once per model and kept) and a buffer pool. `load` and `unload` are piscina
 * tasks (the pool calls them with piscina's `name` option); runs come through the worker's run
 * port (serveRuns).
 */
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import Piscina from 'piscina';
import * as ort from 'onnxruntime-node';
import { fromOrtType, type WireTensor } from '@switchyard/common';
import { BufferPool } from '../memory/buffer-pool';
import { ModelManifest } from '../pools/model-manifest';
import { sessionOptionsFor } from './session-options';
import { keepFloat16AsUint16 } from './float16-as-uint16';
import { fromOrtTensor, toOrtTensor } from './wire-conversion';
import { isTransferred } from './transfer-threshold';
import { type RunOutcome, serveRuns } from './run-port';
import type { LoadReply, LoadRequest, RunReply, RunRequest, UnloadRequest, WorkerConfig } from './worker-protocol';
import type { SessionTensorMetadata } from '../interfaces/inference-task.interface';

interface PinnedSession {
  session: ort.InferenceSession;
  inputs: SessionTensorMetadata[];
  outputs: SessionTensorMetadata[];
  loadMs: number;
}

keepFloat16AsUint16(ort);
const config = Piscina.workerData as WorkerConfig;
const sessions = new Map<string, Promise<PinnedSession>>();
const pool = new BufferPool(config.bufferPoolBytes);
// A new worker (also a replacement for one that died) pins every model of the pool at once.
for (const spec of ModelManifest.read(config.manifest)) pin(spec.key, spec.path).catch(() => undefined);

function pin(key: string, path: string): Promise<PinnedSession> {
  let pinned = sessions.get(key);
  if (!pinned) {
    pinned = createSession(path);
    sessions.set(key, pinned);
    pinned.catch(() => sessions.delete(key));
  }
  return pinned;
}

async function createSession(path: string): Promise<PinnedSession> {
  const started = performance.now();
  const session = await ort.InferenceSession.create(path, sessionOptionsFor(config));
  return {
    session,
    inputs: describe(session.inputMetadata),
    outputs: describe(session.outputMetadata),
    loadMs: performance.now() - started,
  };
}

function describe(metadata: readonly ort.InferenceSession.ValueMetadata[]): SessionTensorMetadata[] {
  return metadata.map((m) => {
    if (!m.isTensor) throw new Error(`"${m.name}" is not a tensor: Switchyard serves tensor inputs and outputs only`);
    const datatype = fromOrtType(m.type);
    if (!datatype) throw new Error(`"${m.name}" has element type ${m.type}, which Switchyard does not support`);
    return { name: m.name, datatype, shape: [...m.shape] };
  });
}

/** Waits until every worker of the pool has picked up its copy of a broadcast task. */
async function barrier(shared: SharedArrayBuffer | undefined, workers: number | undefined): Promise<void> {
  if (!shared || !workers) return;
  const counter = new Int32Array(shared);
  Atomics.add(counter, 0, 1);
  const deadline = Date.now() + 60_000;
  while (Atomics.load(counter, 0) < workers) {
    if (Date.now() > deadline) throw new Error('broadcast barrier timed out: a worker never took its copy');
    const r = Atomics.waitAsync(counter, 0, Atomics.load(counter, 0), 50);
    if (r.async) await r.value;
  }
  Atomics.notify(counter, 0);
}

export async function load(request: LoadRequest): Promise<LoadReply> {
  // hold this worker until all have a copy, so piscina spreads the copies one per worker
  const [pinned] = await Promise.all([pin(request.key, request.path), barrier(request.barrier, request.workers)]);
  return { workerId: threadId, inputs: pinned.inputs, outputs: pinned.outputs, loadMs: pinned.loadMs };
}

export async function unload(request: UnloadRequest): Promise<void> {
  await barrier(request.barrier, request.workers);
  const pinned = sessions.get(request.key);
  sessions.delete(request.key);
  if (pinned) await (await pinned).session.release();
}

export async function run(request: RunRequest): Promise<RunOutcome> {
  const startedAt = performance.timeOrigin + performance.now();
  const pinned = await pin(request.key, request.path);
  const t0 = performance.now();
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of request.inputs) feeds[input.name] = toOrtTensor(ort, input);
  const names = request.outputNames?.length ? request.outputNames : pinned.outputs.map((o) => o.name);
  const t1 = performance.now();
  // No pre-allocated outputs: onnxruntime-node writes into them but still returns a fresh copy
  // (measured with 1.30), so they would only add a copy.
  const results = await pinned.session.run(feeds, names);
  const t2 = performance.now();
  const outputs: WireTensor[] = names.map((name) => fromOrtTensor(name, results[name], pool));
  const t3 = performance.now();
  // the inputs are free again: moved ones go back (moved, not copied) to the caller's buffer pool,
  // cloned ones (small: the caller kept its own) stay in this worker's pool
  const recycled: ArrayBuffer[] = [];
  for (const input of request.inputs) {
    if (request.recycle && isTransferred(input.data)) recycled.push(input.data);
    else pool.release(input.data);
  }
  const reply: RunReply = {
    outputs,
    recycled,
    timings: { queueMs: Math.max(0, startedAt - request.acceptedAt), runMs: t2 - t1, marshalMs: t1 - t0 + (t3 - t2), workerId: threadId },
  };
  // the big buffers move (not copied) to the caller's thread; small ones are cloned with the reply
  const transfer = recycled.slice();
  for (const o of outputs) if (isTransferred(o.data)) transfer.push(o.data);
  return { reply, transfer };
}

serveRuns(run);
