import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { basename, join } from 'node:path';
import { loadConfig } from '@switchyard/config';
import type { DeviceInfo, DeviceKind } from '@switchyard/devices';
import { poolSizing } from '@switchyard/runtime/testing';
import { type CalibrationProfile } from '@switchyard/scheduler';
import { serviceTimeFromTable, type ServiceTimeFn, type ServiceTimeTable } from '@switchyard/simulator';
import type { BenchProfileFile, ThroughputPoint } from './bench-profile.interface';
import type { DeviceModel, HostModel } from './device-model.interface';

export interface HostModelOptions {
  /** Slots per device id or kind ("gpu"), overriding the profile / defaults. */
  slots?: Record<string, number>;
  /** Server options (as in a scenario's `app:`): cost weights and CPU workers come from them. */
  app?: Record<string, string | number | boolean>;
}

/**
 * Reads a host for the simulator: a calibration profile written by the scheduler (profiles/*.json:
 * run times per batch size per (model, device)) or a bench profile (bench/profiles/*.json).
 */
export function loadHostModel(file: string, options: HostModelOptions = {}): HostModel {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchProfileFile & CalibrationProfile>;
  if (doc.format === 'switchyard-bench-profile/1') return fromBenchProfile(doc as BenchProfileFile, file, options);
  if (doc.version === 1 && Array.isArray(doc.pairs)) return fromCalibration(doc as CalibrationProfile, file, options);
  throw new Error(`${file} is neither a calibration profile nor a bench profile (format "switchyard-bench-profile/1")`);
}

/** The newest calibration profile in `dir` (of this CPU model when there is one). */
export function findHostProfile(dir: string): string {
  const candidates = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      try {
        const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Partial<CalibrationProfile>;
        return p.version === 1 && Array.isArray(p.pairs) ? { file: join(dir, f), p } : undefined;
      } catch {
        return undefined;
      }
    })
    .filter((c): c is { file: string; p: Partial<CalibrationProfile> } => c !== undefined)
    .sort((a, b) => String(b.p.createdAt).localeCompare(String(a.p.createdAt)));
  const cpu = cpus()[0]?.model?.trim();
  const mine = candidates.find((c) => c.p.host?.cpuModel?.trim() === cpu) ?? candidates[0];
  if (!mine) throw new Error(`no calibration profile in ${dir}: run a real target once (start-up calibration writes one)`);
  return mine.file;
}

function fromBenchProfile(doc: BenchProfileFile, file: string, options: HostModelOptions): HostModel {
  return {
    name: doc.name,
    file,
    source: 'bench-profile',
    description: doc.description,
    notes: doc.notes ?? [],
    devices: doc.devices.map((d) => {
      const slots = slotsFor(d.id, d.kind, options) ?? d.slots;
      const fns = new Map<string, ServiceTimeFn>();
      for (const [model, entry] of Object.entries(d.models)) {
        fns.set(model, 'points' in entry ? serviceTimeFromTable({ [model]: entry.points }) : fromThroughput(model, entry, d.slots));
      }
      return device(d.id, d.kind, slots, d.costWeight ?? 1, fns);
    }),
  };
}

function fromCalibration(doc: CalibrationProfile, file: string, options: HostModelOptions): HostModel {
  const config = loadConfig({}, options.app ?? {});
  const byDevice = new Map<string, ServiceTimeTable>();
  for (const pair of doc.pairs) {
    if (pair.points.length === 0) continue;
    const table = byDevice.get(pair.deviceId) ?? {};
    table[modelName(pair.model)] = pair.points.map((p) => ({ batchSize: p.batchSize, ms: p.ms }));
    byDevice.set(pair.deviceId, table);
  }
  const devices = [...byDevice.entries()].map(([id, table]) => {
    const kind = kindOf(id);
    const defaultSlots = kind === 'cpu' ? poolSizing({ kind } as DeviceInfo, config.devices, availableParallelism()).workers : 1;
    const fn = monotone(serviceTimeFromTable(table), table);
    const fns = new Map(Object.keys(table).map((m) => [m, fn] as const));
    return device(id, kind, slotsFor(id, kind, options) ?? defaultSlots, config.devices.costWeights[id] ?? 1, fns);
  });
  return {
    name: `calibration ${doc.fingerprint}`,
    file,
    source: 'calibration',
    description: `calibration profile of ${doc.host.cpuModel} (${doc.host.devices.map((d) => `${d.id} ${d.name}`).join(', ')}), onnxruntime ${doc.host.ortVersion}, measured ${doc.createdAt}`,
    notes: [
      `profile ${basename(file)}: run times per batch size from start-up calibration (one run at a time per device, run + marshalling)`,
    ],
    devices,
  };
}

/**
 * Calibration points are noisy (lavapipe's batch-2 run can be faster than its batch-1 run), and a
 * falling last segment extrapolates to zero or negative times. A run of more rows never takes
 * less than the slowest measured run of fewer rows.
 */
function monotone(fn: ServiceTimeFn, table: ServiceTimeTable): ServiceTimeFn {
  return (model, b) => {
    const ms = fn(model, b);
    if (ms === undefined) return undefined;
    let floor = 0;
    for (const p of table[model] ?? []) if (p.batchSize <= b && p.ms > floor) floor = p.ms;
    return Math.max(ms, floor);
  };
}

/** t(b) = t0 + perRowMs (b - b0), or t0 b / b0 without a per-row cost; t0 from the throughput with all slots busy. */
function fromThroughput(model: string, p: ThroughputPoint, slots: number): ServiceTimeFn {
  const t0 = (slots * 1000 * 1) / p.jobsPerSecond;
  return (key, b) => {
    if (key !== model) return undefined;
    return p.perRowMs === undefined ? (t0 * b) / p.batchSize : Math.max(1e-6, t0 + p.perRowMs * (b - p.batchSize));
  };
}

function device(id: string, kind: DeviceKind, slots: number, costWeight: number, fns: Map<string, ServiceTimeFn>): DeviceModel {
  return { id, kind, slots, costWeight, models: [...fns.keys()], serviceMs: (model, b) => fns.get(model)?.(model, b) };
}

function slotsFor(id: string, kind: DeviceKind, options: HostModelOptions): number | undefined {
  return options.slots?.[id] ?? options.slots?.[kind];
}

function kindOf(id: string): DeviceKind {
  const prefix = id.split(':')[0];
  return prefix === 'gpu' || prefix === 'npu' ? prefix : 'cpu';
}

/** "mlp_small@1" -> "mlp_small" (scenarios name models without a version). */
export function modelName(key: string): string {
  const at = key.lastIndexOf('@');
  return at > 0 ? key.slice(0, at) : key;
}
