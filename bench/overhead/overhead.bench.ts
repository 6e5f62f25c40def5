/**
 * What does Switchyard add to a small model's request, against a bare Fastify route that answers
 * the same body? Sequential requests (one in flight, so queueing is not measured, only the path),
 * from one client in this process, in blocks that alternate between the layers of one run:
 *   direct        onnxruntime-node session.run() in this thread (the model alone)
 *   pool          PiscinaDevicePool.run() in this process: + thread hop, tensor transfer
 *   bare-inline   a bare Fastify process (bare-fastify-server.ts), session.run() on its event loop
 *   bare-pool     the same bare route, the run on one pool worker thread (the hop Switchyard makes)
 *   switchyard    POST /v2/models/{m}/infer on the Switchyard server process
 * Every HTTP layer is sent the same body, JSON and binary tensor data. All on one CPU worker (or
 * the event loop) with one intra-op thread, the GPU disabled. Target (issue 15): Switchyard adds
 * <= 0.2 ms at p50 over the bare route for mlp_tiny, JSON and binary.
 *
 *   npm run build && node dist/bench/overhead/overhead.bench.js [--model mlp_tiny] [--batch 1] [--requests 3000]
 *     [--cpu-prof DIR]   profile the Switchyard server (node --cpu-prof, written to DIR at its exit)
 *     [--out DIR]        write the report there instead of bench/results/overhead/<date>-<host>/
 *     [--before-dist DIR] also serve the same requests from a Switchyard built elsewhere (the dist/ of
 *                        an older commit's worktree) as the layer "before", in the same blocks: a
 *                        before/after comparison that the host's load moves as little as the rest
 *     [--phases]         also serve them from a second bare-pool and a second Switchyard process
 *                        with phase-marks.js preloaded (layers "bare-pool-marked", "switchyard-marked",
 *                        in the same blocks): each request's time on the server's main thread up to
 *                        the run's postMessage(), in that call, and from it to the response's end()
 *
 * Writes bench/results/overhead/<date>-<host>/report.md and raw.json.gz (every request's ms).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { PiscinaDevicePool } from '@switchyard/runtime/testing';
import { modelRepository, repoRoot } from '../../test/support/repo-paths';
import { hostFacts } from '../runner/host-facts';
import { cpuSince, threadCpu, type ThreadCpu } from '../runner/thread-cpu';
import { latencyStats, medianAndDecileRange, percentileOfSorted } from '../stats/percentile';
import { HttpClient } from '../targets/http-client';
import { ServerProcess } from '../targets/server-process';
import { writeMarkdownReport } from '../report/write-markdown-report';
import { httpLayers, overheadServerOptions, sineInput, waitReady, type Layer } from './infer-requests';
import { arg } from '../cli/flag';
import { BENCH_CPU } from '../targets/bench-cpu-device';
import { phaseTable, readPhaseMarks } from './phase-table';

const WIDTH: Record<string, number> = { mlp_tiny: 16, mlp_small: 1024, mlp_large: 4096 };
const BLOCK = 100;
const TARGET_MS = 0.2;
async function main(): Promise<void> {
  const model = arg('--model', 'mlp_tiny');
  const batch = Number(arg('--batch', '1'));
  const requests = Number(arg('--requests', '3000'));
  const cpuProf = arg('--cpu-prof', '');
  const outDir = arg('--out', '');
  const beforeDist = arg('--before-dist', '');
  const phases = process.argv.includes('--phases');
  const width = WIDTH[model];
  if (!width) throw new Error(`--model must be one of ${Object.keys(WIDTH).join(', ')}`);
  const path = join(modelRepository(), model, '1', 'model.onnx');
  const tensor = sineInput(batch, width);
  const loadBefore = hostFacts().loadAverage ?? [];

  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const pool = new PiscinaDevicePool({ device: BENCH_CPU, workers: 1, concurrentTasksPerWorker: 1, intraOpThreads: 1 });
  await pool.start();
  await pool.loadModel({ key: `${model}@1`, path });
  const dist = join(repoRoot(), 'dist');
  const bareScript = join(dist, 'bench', 'overhead', 'bare-fastify-server.js');
  const bareInline = await ServerProcess.startScript(bareScript, { BARE_MODEL_PATH: path, BARE_MODE: 'inline' });
  const barePool = await ServerProcess.startScript(bareScript, { BARE_MODEL_PATH: path, BARE_MODE: 'pool' });
  const serverOptions = overheadServerOptions(model);
  const server = await ServerProcess.start(
    dist,
    serverOptions,
    180_000,
    cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuProf, '--cpu-prof-interval', '100'] : [],
  );
  const before = beforeDist ? await ServerProcess.start(beforeDist, serverOptions, 180_000) : undefined;
  const marksDir = phases ? mkdtempSync(join(tmpdir(), 'sy-phase-marks-')) : '';
  /** A server started with phase-marks.js preloaded, writing its marks to marksDir/<name>.json. */
  const marked = async (name: string, start: (preload: string[]) => Promise<ServerProcess>) => {
    process.env.PHASE_MARKS_FILE = join(marksDir, `${name}.json`);
    try {
      return await start(['-r', join(dist, 'bench', 'overhead', 'phase-marks.js')]);
    } finally {
      delete process.env.PHASE_MARKS_FILE;
    }
  };
  const barePoolMarked = phases
    ? await marked('bare-pool', (preload) =>
        ServerProcess.startScript(bareScript, { BARE_MODEL_PATH: path, BARE_MODE: 'pool' }, 180_000, preload),
      )
    : undefined;
  const serverMarked = phases
    ? await marked('switchyard', (preload) => ServerProcess.start(dist, serverOptions, 180_000, preload))
    : undefined;
  const clients = {
    bareInline: new HttpClient(bareInline.url, 1),
    barePool: new HttpClient(barePool.url, 1),
    server: new HttpClient(server.url, 1),
    ...(before ? { before: new HttpClient(before.url, 1) } : {}),
    ...(barePoolMarked ? { barePoolMarked: new HttpClient(barePoolMarked.url, 1) } : {}),
    ...(serverMarked ? { serverMarked: new HttpClient(serverMarked.url, 1) } : {}),
  };
  await waitReady(clients.server);
  if (clients.before) await waitReady(clients.before);
  if (clients.serverMarked) await waitReady(clients.serverMarked);

  const layers: Record<string, Layer> = {
    direct: async () => {
      await session.run({ input: new ort.Tensor('float32', new Float32Array(tensor().data), [batch, width]) });
    },
    pool: async () => {
      await pool.run({ modelKey: `${model}@1`, inputs: [tensor()] });
    },
    ...httpLayers('bare-inline', clients.bareInline, model, tensor),
    ...httpLayers('bare-pool', clients.barePool, model, tensor),
    ...httpLayers('switchyard', clients.server, model, tensor),
    ...(clients.before ? httpLayers('before', clients.before, model, tensor) : {}),
    ...(clients.barePoolMarked ? httpLayers('bare-pool-marked', clients.barePoolMarked, model, tensor) : {}),
    ...(clients.serverMarked ? httpLayers('switchyard-marked', clients.serverMarked, model, tensor) : {}),
  };
  const names = Object.keys(layers);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  /** The process that serves each HTTP layer: its CPU time (all threads) is summed over that layer's blocks. */
  const serverPid: Record<string, number | undefined> = {
    'bare-inline': bareInline.pid,
    'bare-pool': barePool.pid,
    switchyard: server.pid,
    before: before?.pid,
    'bare-pool-marked': barePoolMarked?.pid,
    'switchyard-marked': serverMarked?.pid,
  };
  const serverCpu: Record<string, ThreadCpu> = Object.fromEntries(names.map((n) => [n, { mainMs: 0, othersMs: 0 }]));
  for (const run of Object.values(layers)) for (let i = 0; i < 300; i++) await run(); // warm-up (JIT, sockets)
  for (let done = 0; done < requests; done += BLOCK) {
    // odd blocks in reverse order: no layer always follows the same one
    const order = (done / BLOCK) % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const pid = serverPid[name.split(' ')[0]];
      const cpuBefore = pid === undefined ? undefined : threadCpu(pid);
      for (let i = 0; i < BLOCK; i++) {
        const t0 = performance.now();
        await layers[name]();
        samples[name].push(performance.now() - t0);
      }
      const spent = pid === undefined ? undefined : cpuSince(cpuBefore, pid);
      if (spent) {
        serverCpu[name].mainMs += spent.mainMs;
        serverCpu[name].othersMs += spent.othersMs;
      }
    }
    process.stderr.write(`\r${Math.min(done + BLOCK, requests)}/${requests} requests per layer`);
  }
  process.stderr.write('\n');
  for (const c of Object.values(clients)) c.close();
  await Promise.all([server.stop(), bareInline.stop(), barePool.stop(), before?.stop(), barePoolMarked?.stop(), serverMarked?.stop()]);
  const phaseMarks = phases ? readPhaseMarks(marksDir, ['bare-pool', 'switchyard']) : undefined;
  await pool.close();
  await session.release();
  const loadAfter = hostFacts().loadAverage ?? [];

  const stats = Object.fromEntries(names.map((n) => [n, latencyStats(samples[n])]));
  /** p50 of each block of `name` minus that of `base`'s block in the same round: the added ms, round by round. */
  const blockDiffs = (name: string, base: string): number[] => {
    const diffs: number[] = [];
    for (let b = 0; b * BLOCK < samples[name].length; b++) {
      const p = (xs: number[]) => percentileOfSorted(Float64Array.from(xs.slice(b * BLOCK, (b + 1) * BLOCK)).sort(), 0.5);
      diffs.push(p(samples[name]) - p(samples[base]));
    }
    return diffs.sort((a, b) => a - b);
  };
  const facts = hostFacts();
  const f3 = (x: number) => x.toFixed(3);
  /** This build against --before-dist's: the p50 difference, the paired block differences, and the rounds this build won (a sign test's count). */
  const againstBefore = (kind: string) => {
    const diffs = blockDiffs(`switchyard ${kind}`, `before ${kind}`);
    const faster = diffs.filter((d) => d < 0).length;
    return `${kind} ${f3(added(`switchyard ${kind}`, `before ${kind}`))} ms (${medianAndDecileRange(diffs)}; faster in ${faster} of ${diffs.length})`;
  };
  const added = (name: string, base: string) => stats[name].p50 - stats[base].p50;
  const verdicts = ['json', 'binary'].map((kind) => {
    const a = added(`switchyard ${kind}`, `bare-inline ${kind}`);
    return `${kind}: +${f3(a)} ms (${a <= TARGET_MS ? 'meets' : 'MISSES'} the target)`;
  });
  const command = `node dist/bench/overhead/overhead.bench.js --model ${model} --batch ${batch} --requests ${requests}${beforeDist ? ` --before-dist ${beforeDist}` : ''}${phases ? ' --phases' : ''}`;
  const what: Record<string, string> = {
    direct: 'the model alone: session.run() in the bench process',
    pool: '+ worker thread hop, tensor transfer (PiscinaDevicePool.run, in process)',
    'bare-inline': 'bare Fastify process, session.run() on its event loop',
    'bare-pool': 'bare Fastify process, the run on one PiscinaDevicePool worker',
    switchyard: 'Switchyard server: validation, scheduler, dispatcher, pool, metrics',
    before: 'the same Switchyard server built from --before-dist',
    'bare-pool-marked': 'bare-pool again, with phase-marks.js preloaded',
    'switchyard-marked': 'switchyard again, with phase-marks.js preloaded',
  };
  const rows = names.map((n) => {
    const [server, kind] = n.split(' ');
    const base = kind ? `bare-inline ${kind}` : 'direct';
    const c = serverCpu[n];
    const perRequest = (ms: number) => (kind ? f3(ms / samples[n].length) : '');
    return `| ${n} | ${what[server]} | ${f3(stats[n].p50)} | ${f3(stats[n].p99)} | ${n === base ? '' : medianAndDecileRange(blockDiffs(n, base))} | ${perRequest(c.mainMs)} | ${perRequest(c.othersMs)} |`;
  });
  const report = [
    `# Overhead of the serving path: ${model}, batch ${batch}, against a bare Fastify route`,
    '',
    `Command: \`npm run build && ${command}\` on ${facts.hostname} (${facts.cpuModel}, ${facts.cores} cores, shared), ${new Date().toISOString().slice(0, 10)}, Node ${facts.node}, onnxruntime-node ${facts.onnxruntime}.`,
    `Load average ${loadBefore.join(' / ')} at the start, ${loadAfter.join(' / ')} at the end.`,
    '',
    `${requests} sequential requests per layer (one in flight) from one keep-alive client in the bench process, in blocks of ${BLOCK} that`,
    'alternate between the layers (odd rounds in reverse order), after 300 warm-up requests per layer. Every HTTP layer gets the same',
    `body: the ${model} input as a JSON array, or as binary tensor data (Inference-Header-Content-Length). One CPU worker (or the event`,
    'loop) with one intra-op thread, the GPU disabled, calibration skipped. The bare servers are `bench/overhead/bare-fastify-server.ts`',
    '(Fastify with its default JSON parser, nothing else). Raw per-request ms of every layer: `raw.json.gz`.',
    '',
    `**Result: Switchyard adds at p50, against the bare Fastify route that runs the model on its event loop: ${verdicts.join('; ')}** (target <= ${TARGET_MS} ms).`,
    `Against the bare route with the same worker-thread hop: json +${f3(added('switchyard json', 'bare-pool json'))} ms, binary +${f3(added('switchyard binary', 'bare-pool binary'))} ms.`,
    ...(before
      ? [
          `Against the build from --before-dist in the same blocks (p50 difference; median of block differences, p10 - p90; rounds in which this build's block was faster): ${['json', 'binary'].map((kind) => againstBefore(kind)).join(', ')}.`,
        ]
      : []),
    '',
    '| layer | what it is | p50 (ms) | p99 (ms) | added p50 vs bare-inline (direct for in-process), median of blocks (p10 - p90) | server CPU ms/request, main thread | server CPU ms/request, other threads |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...(phaseMarks ? [...phaseTable(phaseMarks), ''] : []),
    'The added ms per block is the p50 of a block of one layer minus the p50 of the bare-inline block of the same kind in the same',
    "round: a side-by-side difference, which the host's load moves less than either number. Server CPU per request: the serving",
    "process's CPU time (utime + stime of its main thread, and of all its other threads: pool workers, ORT, libuv) over that layer's",
    'blocks, divided by its requests (10 ms ticks summed over the blocks): what a request costs the server, whatever the wait.',
    '',
  ].join('\n');
  const file = writeMarkdownReport(
    'overhead',
    report,
    {
      model,
      batch,
      requests,
      block: BLOCK,
      host: facts,
      loadBefore,
      loadAfter,
      samples,
      ...(phaseMarks ? { phaseMarks } : {}),
    },
    outDir,
  );
  console.log(report);
  console.log(file);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
