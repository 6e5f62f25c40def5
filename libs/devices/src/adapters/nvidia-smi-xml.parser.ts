import type { NvidiaGpuStatus } from '../interfaces/nvidia-gpu-status.interface';

type Node = Record<string, unknown> | string | undefined;

const UNIT_BYTES: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 };

/**
 * Turns node-nvidia-smi's object (xml2js, explicitArray: false) into typed GPU statuses.
 * One <gpu> comes back as an object, several as an array; "N/A" and missing fields become undefined.
 */
export function parseNvidiaSmiLog(data: unknown): NvidiaGpuStatus[] {
  const log = field(data as Node, 'nvidia_smi_log');
  const driverVersion = text(field(log, 'driver_version'));
  const raw = (log as Record<string, unknown> | undefined)?.gpu;
  const gpus = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Node[];
  return gpus.map((gpu, index) => ({
    index,
    uuid: text(field(gpu, 'uuid')) ?? `nvidia-gpu-${index}`,
    name: text(field(gpu, 'product_name')) ?? 'NVIDIA GPU',
    driverVersion,
    memoryTotalBytes: bytes(field(field(gpu, 'fb_memory_usage'), 'total')),
    memoryUsedBytes: bytes(field(field(gpu, 'fb_memory_usage'), 'used')),
    utilizationPercent: number(field(field(gpu, 'utilization'), 'gpu_util')),
    temperatureC: number(field(field(gpu, 'temperature'), 'gpu_temp')),
    powerWatts: power(gpu),
  }));
}

/** Drivers >= 535 moved <power_readings> to <gpu_power_readings>; newer ones split instant/average. */
function power(gpu: Node): number | undefined {
  for (const group of ['gpu_power_readings', 'power_readings']) {
    for (const key of ['instant_power_draw', 'power_draw', 'average_power_draw']) {
      const watts = number(field(field(gpu, group), key));
      if (watts !== undefined) return watts;
    }
  }
  return undefined;
}

function field(node: Node, key: string): Node {
  return node && typeof node === 'object' ? (node[key] as Node) : undefined;
}

function text(node: Node): string | undefined {
  const value = typeof node === 'string' ? node : typeof node?._ === 'string' ? node._ : undefined;
  return value && value !== 'N/A' && !value.startsWith('[') ? value : undefined;
}

/** "34 C", "97 %", "70.52 W" -> the number; "N/A", "[Not Supported]" -> undefined. */
function number(node: Node): number | undefined {
  const match = /^(-?\d+(?:\.\d+)?)/.exec(text(node) ?? '');
  return match ? Number(match[1]) : undefined;
}

/** "81559 MiB" -> bytes. */
function bytes(node: Node): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)$/.exec(text(node) ?? '');
  return match ? Math.round(Number(match[1]) * UNIT_BYTES[match[2]]) : undefined;
}
