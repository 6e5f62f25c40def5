/**
 * Does the tensor buffer pool help? Runs the same stream of requests through a real CPU pool
 * with and without the main thread's BufferPool (inputs acquired from it and returned by the
 * worker after each run, vs a fresh ArrayBuffer per request), in alternating blocks so drift
 * hits both alike, and reports throughput, latency and main-thread GC time from one run.
 *
 *   node dist/bench/buffer-pool/buffer-pool.bench.js [--model mlp_small] [--batch 64] [--requests 3000] [--concurrency 2]
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { BufferPool, PiscinaDevicePool } from '@switchyard/runtime/testing';
import { modelRepository } from '../../test/support/repo-paths';
import { writeMarkdownReport } from '../report/write-markdown-report';
import { BENCH_CPU } from '../targets/bench-cpu-device';

interface Args {
  model: string;
  batch: number;
  requests: number;
  concurrency: number;
  block: number;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string, fallback: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  return {
    model: get('--model', 'mlp_small'),
    batch: Number(get('--batch', '64')),
    requests: Number(get('--requests', '3000')),
    concurrency: Number(get('--concurrency', '2')),
    block: 100,
  };
}

interface Variant {
  name: string;
  pool: PiscinaDevicePool;
  buffers?: BufferPool;
  latencies: number[];
  wallMs: number;
  gcMs: number;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const width = args.model === 'mlp_large' ? 4096 : args.model === 'mlp_tiny' ? 16 : 1024;
  const bytes = args.batch * width * 4;
  const spec = { key: `${args.model}@1`, path: join(modelRepository(), args.model, '1', 'model.onnx') };
  const variants: Variant[] = [];
  for (const name of ['fresh ArrayBuffer per request', 'BufferPool (inputs recycled)']) {
    const buffers = name.startsWith('BufferPool') ? new BufferPool(256 * 2 ** 20) : undefined;
    const pool = new PiscinaDevicePool({
      device: BENCH_CPU,
      workers: args.concurrency,
      concurrentTasksPerWorker: 1,
      intraOpThreads: 1,
      buffers,
    });
    await pool.start();
    await pool.loadModel(spec);
    variants.push({ name, pool, buffers, latencies: [], wallMs: 0, gcMs: 0 });
  }
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => (gcMs += e.duration)));
  observer.observe({ entryTypes: ['gc'] });

  const runBlock = async (v: Variant, count: number) => {
    const gcBefore = gcMs;
    const started = performance.now();
    let next = 0;
    const client = async () => {
      while (next++ < count) {
        const t0 = performance.now();
        const data = v.buffers ? v.buffers.acquire(bytes) : new ArrayBuffer(bytes);
        new Float32Array(data).fill(0.25);
        const result = await v.pool.run({
          modelKey: spec.key,
          inputs: [{ name: 'input', datatype: 'FP32', shape: [args.batch, width], data }],
        });
        // the response encoder is done with the outputs: they become free buffers too
        for (const out of result.outputs) v.buffers?.release(out.data);
        v.latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: args.concurrency }, client));
    v.wallMs += performance.now() - started;
    await new Promise((r) => setImmediate(r));
    v.gcMs += gcMs - gcBefore;
  };

  for (const v of variants) await runBlock(v, 50); // warm-up
  variants.forEach((v) => Object.assign(v, { latencies: [], wallMs: 0, gcMs: 0 }));
  for (let done = 0; done < args.requests; done += args.block) {
    for (const v of variants) await runBlock(v, args.block);
    process.stderr.write(`\r${Math.min(done + args.block, args.requests)}/${args.requests} requests per variant`);
  }
  process.stderr.write('\n');
  observer.disconnect();

  const rows = variants.map((v) => {
    const sorted = [...v.latencies].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return {
      name: v.name,
      throughput: (v.latencies.length / v.wallMs) * 1000,
      p50: q(0.5),
      p99: q(0.99),
      gcMs: v.gcMs,
      hits: v.buffers?.hits ?? 0,
    };
  });
  const [fresh, pooled] = rows;
  const date = new Date().toISOString().slice(0, 10);
  const command = `node dist/bench/buffer-pool/buffer-pool.bench.js --model ${args.model} --batch ${args.batch} --requests ${args.requests} --concurrency ${args.concurrency}`;
  const report = [
    `# Buffer pool: ${args.model}, batch ${args.batch} (${(bytes / 1024).toFixed(0)} KiB input), ${args.requests} requests per variant`,
    '',
    `Command: \`${command}\` on ${hostname()}, ${date}. Real CPU pool (${args.concurrency} workers x 1 thread), blocks of ${args.block} requests alternating between the variants.`,
    '',
    '| variant | throughput (req/s) | p50 (ms) | p99 (ms) | main-thread GC (ms) | pool hits |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) => `| ${r.name} | ${r.throughput.toFixed(1)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.gcMs.toFixed(1)} | ${r.hits} |`,
    ),
    '',
    `Pooled vs fresh: throughput x${(pooled.throughput / fresh.throughput).toFixed(3)}, p50 x${(pooled.p50 / fresh.p50).toFixed(3)}, GC time x${(pooled.gcMs / Math.max(fresh.gcMs, 1e-9)).toFixed(3)}.`,
    '',
  ].join('\n');
  writeMarkdownReport('buffer-pool', report);
  console.log(report);
  await Promise.all(variants.map((v) => v.pool.close()));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
