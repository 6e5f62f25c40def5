import type { DeviceInfo, NvidiaGpuStatus } from '@switchyard/devices';
import { matchNvidiaDevice } from './match-nvidia-device';

const gpu = (index: number, uuid: string, name: string): NvidiaGpuStatus => ({ index, uuid, name });
const device = (id: string, name: string, details: Record<string, unknown>, vendor = 'NVIDIA'): DeviceInfo => ({
  id,
  kind: 'gpu',
  vendor,
  name,
  executionProvider: 'webgpu',
  usable: true,
  costWeight: 1,
  details,
});

describe(matchNvidiaDevice.name, () => {
  const h100 = gpu(0, 'GPU-aaaa', 'NVIDIA H100 80GB HBM3');
  const a10 = gpu(1, 'GPU-bbbb', 'NVIDIA A10');

  it('matches by the UUID in the device details first', () => {
    const devices = [device('gpu:0', 'NVIDIA A10', { uuid: 'GPU-aaaa' }), device('gpu:1', 'NVIDIA A10', { uuid: 'GPU-bbbb' })];
    expect(matchNvidiaDevice(h100, devices)).toBe('gpu:0');
    expect(matchNvidiaDevice(a10, devices)).toBe('gpu:1');
  });

  it('then by the nvidia-smi index, then by a unique name', () => {
    expect(matchNvidiaDevice(a10, [device('gpu:0', 'x', { nvidiaIndex: 0 }), device('gpu:1', 'y', { nvidiaIndex: 1 })])).toBe('gpu:1');
    expect(matchNvidiaDevice(h100, [device('gpu:0', 'Intel Arc', {}, 'Intel'), device('gpu:1', 'NVIDIA H100 80GB HBM3', {})])).toBe(
      'gpu:1',
    );
  });

  it('falls back to nvidia:<index> when no device or several match', () => {
    expect(matchNvidiaDevice(a10, [])).toBe('nvidia:1');
    expect(matchNvidiaDevice(a10, [device('gpu:0', 'NVIDIA A10', {}), device('gpu:1', 'NVIDIA A10', {})])).toBe('nvidia:1');
    expect(matchNvidiaDevice(a10, [device('gpu:0', '', {})])).toBe('nvidia:1');
  });
});
