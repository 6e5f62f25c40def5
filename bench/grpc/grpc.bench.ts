/**
 * gRPC against HTTP on the same server, model and inputs (issue 16 item 6): closed-loop clients
 * (`--concurrency` calls in flight) send `--requests` inferences per protocol per round; the
 * protocols take turns within each round (the order rotates), so all see the same host load.
 *   grpc-raw     ModelInfer with raw_input_contents (what tritonclient sends), raw outputs back
 *   grpc-typed   ModelInfer with fp32_contents, typed outputs back
 *   http-binary  POST /v2/models/{m}/infer with the binary tensor extension, binary outputs back
 *   http-json    POST /v2/models/{m}/infer with JSON "data", JSON outputs back
 * The server runs in its own process (one CPU worker, GPU disabled, calibration skipped). Besides
 * throughput and latency, each block measures the CPU time per call of the server process (all
 * its threads, from /proc) and of this client process: on a shared host, CPU per call moves far
 * less with the neighbours' load than wall-clock numbers do.
 *
 *   node dist/bench/grpc/grpc.bench.js [--models mlp_tiny,mlp_small] [--concurrency 8] [--rounds 5] [--requests 300]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GrpcInferenceClient } from '@switchyard/grpc/testing';
import { modelRepository, repoRoot } from '../../test/support/repo-paths';
import { hostFacts, resultDir } from '../runner/host-facts';
import { latencyStats } from '../stats/percentile';
import { encodeInferRequest } from '../../clients';
import { HttpClient } from '../targets/http-client';
import { ServerProcess } from '../targets/server-process';
import { renderGrpcReport, type GrpcBenchRound } from './render-grpc-report';
import { arg } from '../cli/flag';

const WIDTH: Record<string, number> = { mlp_tiny: 16, mlp_small: 1024, mlp_large: 4096 };
export const PROTOCOLS = ['grpc-raw', 'grpc-typed', 'http-binary', 'http-json'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** One inference per protocol; resolves to the first output value (for the cross-check). */
function senders(model: string, input: Float32Array, http: HttpClient, grpc: GrpcInferenceClient): Record<Protocol, () => Promise<number>> {
  const shape = [1, input.length];
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const binary = encodeInferRequest([{ name: 'input', datatype: 'FP32', shape, data: input.slice() }], { id: 'b' });
  const json = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape, data: Array.from(input) }] }));
  const path = `/v2/models/${model}/infer`;
  const ok = (status: number, body: Buffer) => {
    if (status !== 200) throw new Error(`HTTP ${status}: ${body.toString().slice(0, 200)}`);
  };
  return {
    'grpc-raw': async () => {
      const res = await grpc.call<{ raw_output_contents: Buffer[] }>('ModelInfer', {
        model_name: model,
        inputs: [{ name: 'input', datatype: 'FP32', shape }],
        raw_input_contents: [bytes],
      });
      return res.raw_output_contents[0].readFloatLE(0);
    },
    'grpc-typed': async () => {
      const res = await grpc.call<{ outputs: Array<{ contents: { fp32_contents: number[] } }> }>('ModelInfer', {
        model_name: model,
        inputs: [{ name: 'input', datatype: 'FP32', shape, contents: { fp32_contents: Array.from(input) } }],
      });
      return res.outputs[0].contents.fp32_contents[0];
    },
    'http-binary': async () => {
      const res = await http.send('POST', path, binary.body, binary.headers);
      ok(res.status, res.body);
      return res.body.readFloatLE(Number(res.headers['inference-header-content-length']));
    },
    'http-json': async () => {
      const res = await http.send('POST', path, json, { 'content-type': 'application/json' });
      ok(res.status, res.body);
      return Math.fround((JSON.parse(res.body.toString()) as { outputs: Array<{ data: number[] }> }).outputs[0].data[0]);
    },
  };
}

const TICK_MS = 1000 / (Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100);

/** CPU time (user + system) the process has used, ms, from /proc/<pid>/stat. */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function clientCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** `requests` calls with `concurrency` in flight; per-call latencies (ms) and the wall time. */
async function closedLoop(
  send: () => Promise<number>,
  requests: number,
  concurrency: number,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) {
        const t0 = performance.now();
        await send();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - start };
}

async function main(): Promise<void> {
  const models = arg('--models', 'mlp_tiny,mlp_small').split(',');
  const concurrency = Number(arg('--concurrency', '8'));
  const rounds = Number(arg('--rounds', '5'));
  const requests = Number(arg('--requests', '300'));
  for (const m of models) if (!WIDTH[m]) throw new Error(`--models takes ${Object.keys(WIDTH).join(', ')}`);
  const loadBefore = loadavg();
  const server = await ServerProcess.start(join(repoRoot(), 'dist'), {
    MODELS: models.join(','),
    MODEL_REPOSITORY: modelRepository(),
    PROFILES_DIR: mkdtempSync(join(tmpdir(), 'sy-grpc-bench-')),
    DISABLED_DEVICES: 'gpu:0',
    CPU_WORKERS: 1,
    CALIBRATION: 'skip',
  });
  if (!server.grpcAddress) throw new Error('the server did not report a gRPC address');
  const http = new HttpClient(server.url, concurrency);
  const grpc = new GrpcInferenceClient(server.grpcAddress);
  const results: GrpcBenchRound[] = [];
  const samples: string[] = ['model,protocol,round,latency_ms'];
  try {
    for (let i = 0; i < 300 && (await http.send('GET', '/v2/health/ready')).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 200));
    for (const model of models) {
      const input = Float32Array.from({ length: WIDTH[model] }, (_, i) => Math.sin(i + 1));
      const send = senders(model, input, http, grpc);
      // every protocol answers the same number for the same input
      const firsts = await Promise.all(PROTOCOLS.map((p) => send[p]()));
      if (new Set(firsts).size !== 1) throw new Error(`${model}: the protocols disagree on output[0]: ${firsts.join(', ')}`);
      for (const p of PROTOCOLS) await closedLoop(send[p], 100, concurrency); // warm-up
      for (let round = 0; round < rounds; round++) {
        const order = PROTOCOLS.map((_, i) => PROTOCOLS[(i + round) % PROTOCOLS.length]);
        for (const protocol of order) {
          const serverCpu0 = processCpuMs(server.pid!);
          const clientCpu0 = clientCpuMs();
          const { latencies, wallMs } = await closedLoop(send[protocol], requests, concurrency);
          results.push({
            model,
            protocol,
            round,
            requests,
            wallMs,
            throughput: (requests / wallMs) * 1000,
            latency: latencyStats(latencies),
            serverCpuMsPerCall: (processCpuMs(server.pid!) - serverCpu0) / requests,
            clientCpuMsPerCall: (clientCpuMs() - clientCpu0) / requests,
          });
          for (const l of latencies) samples.push(`${model},${protocol},${round},${l.toFixed(3)}`);
          process.stderr.write(`\r${model} round ${round + 1}/${rounds} ${protocol}        `);
        }
      }
    }
    process.stderr.write('\n');
  } finally {
    grpc.close();
    http.close();
    await server.stop();
  }
  const loadAfter = loadavg();
  const command = `node dist/bench/grpc/grpc.bench.js --models ${models.join(',')} --concurrency ${concurrency} --rounds ${rounds} --requests ${requests}`;
  const report = renderGrpcReport({
    command,
    host: hostFacts(),
    loadBefore,
    loadAfter,
    concurrency,
    results,
    date: new Date().toISOString(),
  });
  const dir = resultDir(join(repoRoot(), 'bench', 'results'), 'grpc', hostname());
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.md'), report);
  writeFileSync(join(dir, 'rounds.json'), JSON.stringify({ command, loadBefore, loadAfter, results }, null, 1));
  writeFileSync(join(dir, 'latencies.csv'), samples.join('\n') + '\n');
  console.log(report);
  console.log(`written to ${dir}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
