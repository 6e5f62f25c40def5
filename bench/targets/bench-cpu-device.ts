import type { DeviceInfo } from '@switchyard/devices';

/** The CPU as a device for benches that drive a device pool directly, without the app's inventory. */
export const BENCH_CPU: DeviceInfo = {
  id: 'cpu:0',
  kind: 'cpu',
  vendor: '',
  name: 'cpu',
  executionProvider: 'cpu',
  usable: true,
  costWeight: 1,
  details: {},
};
