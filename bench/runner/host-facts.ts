import { availableParallelism, cpus, hostname, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { HostFacts } from '../report/bench-report.interface';

export function hostFacts(): HostFacts {
  let ort = 'unknown';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ort = (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    /* not installed: leave unknown */
  }
  return {
    hostname: hostname(),
    cpuModel: cpus()[0]?.model?.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    onnxruntime: ort,
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** bench/results/<scenario>/<YYYY-MM-DD>-<label>. */
export function resultDir(outRoot: string, scenario: string, label: string, now = new Date()): string {
  const date = now.toISOString().slice(0, 10);
  return join(outRoot, safeName(scenario), `${date}-${safeName(label)}`);
}

export function safeName(s: string): string {
  return s.replace(/[^\w.@+-]+/g, '_');
}
