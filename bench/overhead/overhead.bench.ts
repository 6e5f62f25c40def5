/**
 * What do REST + scheduler + pool add to a ~1 ms model? Sequential requests (one in flight, so
 * queueing is not measured, only the path), p50 of each layer in one run, blocks alternating:
 *   direct  onnxruntime-node session.run() in this thread (the model alone)
 *   pool    PiscinaDevicePool.run(): + thread hop, tensor transfer
 *   http    POST /v2/models/{m}/infer (binary tensors) to a server process: + REST, scheduler, pool
 * All on one CPU worker with one intra-op thread, the GPU disabled.
 *
 *   node dist/bench/overhead/overhead.bench.js [--model mlp_small] [--batch 1] [--requests 2000]
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import type { WireTensor } from '@switchyard/common';
import type { DeviceInfo } from '@switchyard/devices';
import { PiscinaDevicePool } from '@switchyard/runtime/testing';
import { modelRepository, repoRoot } from '../../test/support/repo-paths';
import { latencyStats } from '../stats/percentile';
import { encodeInferRequest } from '../../clients';
import { HttpClient } from '../targets/http-client';
import { ServerProcess } from '../targets/server-process';
import { writeMarkdownReport } from '../report/write-markdown-report';

const WIDTH: Record<string, number> = { mlp_tiny: 16, mlp_small: 1024, mlp_large: 4096 };
const cpu: DeviceInfo = {
  id: 'cpu:0',
  kind: 'cpu',
  vendor: '',
  name: 'cpu',
  executionProvider: 'cpu',
  usable: true,
  costWeight: 1,
  details: {},
};

function arg(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const model = arg('--model', 'mlp_small');
  const batch = Number(arg('--batch', '1'));
  const requests = Number(arg('--requests', '2000'));
  const width = WIDTH[model];
  if (!width) throw new Error(`--model must be one of ${Object.keys(WIDTH).join(', ')}`);
  const path = join(modelRepository(), model, '1', 'model.onnx');
  const values = Float32Array.from({ length: batch * width }, (_, i) => Math.sin(i));
  const tensor = (): WireTensor => ({ name: 'input', datatype: 'FP32', shape: [batch, width], data: values.slice().buffer });

  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const pool = new PiscinaDevicePool({ device: cpu, workers: 1, concurrentTasksPerWorker: 1, intraOpThreads: 1 });
  await pool.start();
  await pool.loadModel({ key: `${model}@1`, path });
  const server = await ServerProcess.start(join(repoRoot(), 'dist'), {
    MODELS: model,
    DISABLED_DEVICES: 'gpu:0',
    CPU_WORKERS: 1,
    CPU_THREADS_PER_WORKER: 1,
    CALIBRATION: 'skip',
  });
  const client = new HttpClient(server.url, 1);
  for (let i = 0; i < 100 && (await client.send('GET', '/v2/health/ready')).status !== 200; i++)
    await new Promise((r) => setTimeout(r, 200));

  const layers = {
    direct: async () => {
      await session.run({ input: new ort.Tensor('float32', new Float32Array(tensor().data), [batch, width]) });
    },
    pool: async () => {
      await pool.run({ modelKey: `${model}@1`, inputs: [tensor()] });
    },
    http: async () => {
      const t = tensor();
      const { body, headers } = encodeInferRequest(
        [{ name: t.name, datatype: t.datatype, shape: t.shape, bytes: new Uint8Array(t.data) }],
        {
          id: 'o',
        },
      );
      const answer = await client.send('POST', `/v2/models/${model}/infer`, body, headers);
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.body.toString().slice(0, 300)}`);
    },
  };
  const samples: Record<keyof typeof layers, number[]> = { direct: [], pool: [], http: [] };
  const block = 100;
  for (const run of Object.values(layers)) for (let i = 0; i < 100; i++) await run(); // warm-up
  for (let done = 0; done < requests; done += block) {
    for (const [name, run] of Object.entries(layers) as Array<[keyof typeof layers, () => Promise<void>]>) {
      for (let i = 0; i < block; i++) {
        const t0 = performance.now();
        await run();
        samples[name].push(performance.now() - t0);
      }
    }
    process.stderr.write(`\r${Math.min(done + block, requests)}/${requests} requests per layer`);
  }
  process.stderr.write('\n');
  await server.stop();
  await pool.close();
  await session.release();

  const stats = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, latencyStats(v)])) as Record<
    keyof typeof layers,
    ReturnType<typeof latencyStats>
  >;
  const base = stats.direct.p50;
  const row = (name: keyof typeof layers, what: string) =>
    `| ${name} | ${what} | ${stats[name].p50.toFixed(3)} | ${stats[name].p99.toFixed(3)} | ${(stats[name].p50 - base).toFixed(3)} | ${(((stats[name].p50 - base) / base) * 100).toFixed(1)} % |`;
  const date = new Date().toISOString().slice(0, 10);
  const command = `node dist/bench/overhead/overhead.bench.js --model ${model} --batch ${batch} --requests ${requests}`;
  const report = [
    `# Overhead of the serving path: ${model}, batch ${batch}`,
    '',
    `Command: \`${command}\` on ${hostname()}, ${date}. ${requests} sequential requests per layer (one in flight), in alternating blocks of ${block}; one CPU worker with one intra-op thread, GPU disabled.`,
    '',
    '| layer | what it adds | p50 (ms) | p99 (ms) | p50 added (ms) | p50 added vs the model |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    row('direct', 'the model alone: session.run() in this thread'),
    row('pool', '+ worker thread hop, tensor transfer (PiscinaDevicePool.run)'),
    row('http', '+ HTTP (binary tensors), validation, scheduler, dispatch queue, pool'),
    '',
    `Target: REST + scheduler + pool add <= 5 % to a 1 ms model's p50. Measured: ${(((stats.http.p50 - base) / base) * 100).toFixed(1)} % on a ${base.toFixed(3)} ms model (${(stats.http.p50 - base).toFixed(3)} ms).`,
    '',
  ].join('\n');
  writeMarkdownReport('overhead', report);
  console.log(report);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
