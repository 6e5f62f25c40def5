/**
 * The JSON output encoder, old (main at c52e805: a string per value, then join) against new
 * (bufferToJsonBytes: ASCII written into one buffer), side by side in one process: for each
 * dtype, `--rounds` alternating rounds over the same `--values` values; ns per value (median and
 * range of the rounds) and the ratio of the medians. Both outputs are checked byte-identical.
 *
 *   node dist/bench/json-encoder/encoder.bench.js [--values 200000] [--rounds 9] [--out bench/results/json-encoder/<name>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { seededRandom, type TensorDataType } from '@switchyard/common';
import { bufferToJsonBytes } from '@switchyard/inference/testing';
import { repoRoot } from '../../test/support/repo-paths';
import { legacyBufferToJsonText } from './legacy-json-encoder';
import { arg } from '../cli/flag';
import { median } from '../stats/percentile';

/** Values like a model's outputs: dtype_echo's mix, plus FP64. */
function tensors(n: number): Array<[TensorDataType, ArrayBuffer]> {
  const r = seededRandom(1);
  const of = <T>(f: () => T) => Array.from({ length: n }, f);
  return [
    ['FP32', Float32Array.from(of(() => (r() - 0.5) * 2000)).buffer],
    ['FP16', Uint16Array.from(of(() => Math.floor(r() * 0x7c00))).buffer],
    ['INT64', BigInt64Array.from(of(() => BigInt(Math.floor((r() - 0.5) * 2 ** 52)))).buffer],
    ['INT32', Int32Array.from(of(() => Math.floor((r() - 0.5) * 2 ** 32))).buffer],
    ['INT8', Int8Array.from(of(() => Math.floor(r() * 256) - 128)).buffer],
    ['UINT8', Uint8Array.from(of(() => Math.floor(r() * 256))).buffer],
    ['BOOL', Uint8Array.from(of(() => (r() < 0.5 ? 1 : 0))).buffer],
    ['FP64', Float64Array.from(of(() => (r() - 0.5) * 2000)).buffer],
  ];
}

function main(): void {
  const n = Number(arg('--values', '200000'));
  const rounds = Number(arg('--rounds', '9'));
  const out = resolve(arg('--out', join(repoRoot(), 'bench', 'results', 'json-encoder', `${new Date().toISOString().slice(0, 10)}-vm`)));
  const load = loadavg()[0];
  const rows = tensors(n).map(([datatype, data]) => {
    const oldNs: number[] = [];
    const newNs: number[] = [];
    let identical = true;
    for (let round = 0; round < rounds + 1; round++) {
      const t0 = performance.now();
      const before = legacyBufferToJsonText(data, datatype);
      const t1 = performance.now();
      const after = bufferToJsonBytes(data, datatype);
      const t2 = performance.now();
      identical &&= after.toString('latin1') === before;
      if (round === 0) continue; // warm-up
      oldNs.push(((t1 - t0) * 1e6) / n);
      newNs.push(((t2 - t1) * 1e6) / n);
    }
    return { datatype, oldNs, newNs, identical, ratio: median(oldNs) / median(newNs) };
  });
  const mix = rows.filter((r) => r.datatype !== 'FP64');
  const mixRatio = mix.reduce((s, r) => s + median(r.oldNs), 0) / mix.reduce((s, r) => s + median(r.newNs), 0);
  const f = (v: number) => v.toFixed(0);
  const report = [
    '# JSON output encoder: old against new',
    '',
    `${n} values per dtype, ${rounds} alternating rounds after one warm-up, in one process; ns per value.`,
    `Host: ${hostname()}, ${cpus().length} CPUs, load average ${load.toFixed(1)} at the start (shared machine: compare ratios, not absolute times).`,
    `Command: \`node dist/bench/json-encoder/encoder.bench.js ${process.argv.slice(2).join(' ')}\``,
    '',
    '| dtype | old median ns/value (range) | new median ns/value (range) | old / new | same bytes |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.datatype} | ${f(median(r.oldNs))} (${f(Math.min(...r.oldNs))}-${f(Math.max(...r.oldNs))}) | ` +
        `${f(median(r.newNs))} (${f(Math.min(...r.newNs))}-${f(Math.max(...r.newNs))}) | **${r.ratio.toFixed(1)}x** | ${r.identical ? 'yes' : 'NO'} |`,
    ),
    '',
    `dtype_echo's mix (the seven dtypes but FP64, equal counts): **${mixRatio.toFixed(1)}x** (target >= 5x).`,
    'FP64 still prints through String() (shortest round trip of a double), joined and written once: no faster, no slower.',
    '',
    'Raw data (every round): results.json.',
    '',
  ].join('\n');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'results.json'), JSON.stringify({ values: n, rounds, loadAverage: load, rows, mixRatio }, null, 1));
  writeFileSync(join(out, 'report.md'), report);
  console.log(report);
}

main();
