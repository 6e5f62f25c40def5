import type { DeviceInfo } from '../interfaces/device.interface';
import type { ExecutionProviderStatus } from '../interfaces/execution-provider-status.interface';
import { whyNot, works } from './execution-provider-plan';

/** The start-up device table: one aligned row per device. */
export function formatDeviceTable(devices: DeviceInfo[]): string {
  const rows = devices.map((d) => [
    d.id,
    d.kind,
    displayName(d),
    d.executionProvider ?? '-',
    String(d.costWeight),
    d.usable ? 'usable' : `unusable: ${d.reason}`,
  ]);
  return formatRows([['ID', 'KIND', 'NAME', 'EP', 'COST', 'STATUS'], ...rows]);
}

/** One row per EP probe: ok with its time, or why not. */
export function formatProviderTable(statuses: ExecutionProviderStatus[]): string {
  const rows = statuses.map((s) => [
    s.deviceId === undefined ? s.ep : `${s.ep}[${s.deviceId}]`,
    works(s) ? `ok (${Math.round(s.probe?.ms ?? 0)} ms, ran on ${s.probe?.placedOn?.join('+')})` : `no: ${whyNot(s, s.ep)}`,
  ]);
  return formatRows([['EP', 'PROBE'], ...rows]);
}

/** "AMD EPYC", but "NVIDIA H100" rather than "NVIDIA NVIDIA H100", and no "unknown". */
function displayName(d: DeviceInfo): string {
  return d.vendor === 'unknown' || d.name.startsWith(d.vendor) ? d.name : `${d.vendor} ${d.name}`;
}

function formatRows(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (c === r.length - 1 ? 0 : r[c].length))));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}
