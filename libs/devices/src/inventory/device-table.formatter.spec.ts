import type { DeviceInfo } from '../interfaces/device.interface';
import { formatDeviceTable, formatProviderTable } from './device-table.formatter';

const device = (over: Partial<DeviceInfo>): DeviceInfo => ({
  id: 'cpu:0',
  kind: 'cpu',
  vendor: 'AMD',
  name: 'EPYC',
  executionProvider: 'cpu',
  usable: true,
  costWeight: 1,
  details: {},
  ...over,
});

describe(formatDeviceTable.name, () => {
  it('aligns one row per device and says why a device is unusable', () => {
    const table = formatDeviceTable([
      device({}),
      device({
        id: 'gpu:0',
        kind: 'gpu',
        vendor: 'NVIDIA',
        name: 'NVIDIA H100 80GB HBM3',
        executionProvider: 'cuda',
        usable: false,
        reason: 'no CUDA',
        costWeight: 2.5,
      }),
      device({ id: 'gpu:1', kind: 'gpu', vendor: 'unknown', name: 'WebGPU adapter', executionProvider: 'webgpu' }),
      device({
        id: 'npu:0',
        kind: 'npu',
        vendor: 'Intel',
        name: 'Intel NPU',
        executionProvider: null,
        usable: false,
        reason: 'needs OpenVINO',
      }),
    ]);
    expect(table.split('\n')).toEqual([
      'ID     KIND  NAME                   EP      COST  STATUS',
      'cpu:0  cpu   AMD EPYC               cpu     1     usable',
      'gpu:0  gpu   NVIDIA H100 80GB HBM3  cuda    2.5   unusable: no CUDA',
      'gpu:1  gpu   WebGPU adapter         webgpu  1     usable',
      'npu:0  npu   Intel NPU              -       1     unusable: needs OpenVINO',
    ]);
  });
});

describe(formatProviderTable.name, () => {
  it('shows probe times and where the probe ran, or why an EP was not usable', () => {
    const table = formatProviderTable([
      { ep: 'cpu', applicable: true, probe: { ok: true, ms: 12.4, placedOn: ['CPUExecutionProvider'] } },
      { ep: 'cuda', deviceId: 0, applicable: true, probe: { ok: false, ms: 3, error: 'no driver' } },
      { ep: 'dml', applicable: false, reason: 'Windows only' },
    ]);
    expect(table.split('\n')).toEqual([
      'EP       PROBE',
      'cpu      ok (12 ms, ran on CPUExecutionProvider)',
      'cuda[0]  no: cuda probe failed: no driver',
      'dml      no: Windows only',
    ]);
  });
});
