/**
 * Piscina worker of one device: holds pinned onnxruntime sessions for the device's execution
 * provider (created once per model and kept) and a buffer pool. Its exports are the task names
 * (`load`, `run`, `unload`) that the pool calls with piscina's `name` option.
 */
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import Piscina from 'piscina';
import * as ort from 'onnxruntime-node';
import { fromOrtType, type WireTensor } from '@switchyard/common';
import { BufferPool } from '../memory/buffer-pool';
import { ModelManifest } from '../pools/model-manifest';
import { sessionOptionsFor } from './session-options';
import { fromOrtTensor, preallocatedOutput, toOrtTensor } from './wire-conversion';
import type { LoadReply, LoadRequest, RunReply, RunRequest, UnloadRequest, WorkerConfig } from './worker-protocol';
import type { SessionTensorMetadata } from '../interfaces/inference-task.interface';

interface PinnedSession {
  session: ort.InferenceSession;
  inputs: SessionTensorMetadata[];
  outputs: SessionTensorMetadata[];
  loadMs: number;
}

const config = Piscina.workerData as WorkerConfig;
const sessions = new Map<string, Promise<PinnedSession>>();
const pool = new BufferPool(config.bufferPoolBytes);
// Pre-allocated outputs need the CPU EP: other EPs may write elsewhere.
const preallocate = config.executionProvider === 'cpu';
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

export async function run(request: RunRequest) {
  const startedAt = performance.timeOrigin + performance.now();
  const pinned = await pin(request.key, request.path);
  const t0 = performance.now();
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of request.inputs) feeds[input.name] = toOrtTensor(ort, input);
  const names = request.outputNames?.length ? request.outputNames : pinned.outputs.map((o) => o.name);
  const fetches = preallocate ? outputsFor(pinned, names, request.inputs) : names;
  const t1 = performance.now();
  const results = await pinned.session.run(feeds, fetches as ort.InferenceSession.FetchesType);
  const t2 = performance.now();
  // inputs are ours now (transferred): recycle them for the next outputs
  for (const input of request.inputs) pool.release(input.data);
  const outputs: WireTensor[] = names.map((name) => fromOrtTensor(name, results[name], pool));
  const t3 = performance.now();
  const reply: RunReply = {
    outputs,
    timings: { queueMs: Math.max(0, startedAt - request.acceptedAt), runMs: t2 - t1, marshalMs: t1 - t0 + (t3 - t2), workerId: threadId },
  };
  return transferable(reply);
}

/** Output tensors allocated from the pool when every dim resolves from the inputs' dims. */
function outputsFor(pinned: PinnedSession, names: string[], inputs: WireTensor[]): Record<string, ort.Tensor> | string[] {
  const symbols = new Map<string, number>();
  for (const meta of pinned.inputs) {
    const actual = inputs.find((i) => i.name === meta.name);
    meta.shape.forEach((d, i) => typeof d === 'string' && actual && symbols.set(d, actual.shape[i]));
  }
  const fetches: Record<string, ort.Tensor> = {};
  for (const name of names) {
    const meta = pinned.outputs.find((o) => o.name === name);
    if (!meta) return names;
    const shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : symbols.get(String(d))));
    if (shape.some((d) => d === undefined)) return names;
    fetches[name] = preallocatedOutput(ort, pool, meta.datatype, shape as number[]);
  }
  return fetches;
}

/** Moves (not copies) the output buffers to the caller's thread. */
function transferable(reply: RunReply) {
  const movable = {
    get [Piscina.transferableSymbol]() {
      return reply.outputs.map((o) => o.data);
    },
    get [Piscina.valueSymbol]() {
      return reply;
    },
  };
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]);
}
