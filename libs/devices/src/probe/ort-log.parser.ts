/** A device ORT's hardware discovery logged (ORT >= 1.22, at info level). */
export interface OrtHardwareDevice {
  vendor: string;
  vendorId: string;
  deviceId: string;
  type: 'cpu' | 'gpu' | 'npu' | 'unknown';
}

const LINE = /Discovered OrtHardwareDevice \{vendor_id:(0x[0-9a-f]+), device_id:(0x[0-9a-f]+), vendor:([^,]*), type:(\d+)/gi;
const TYPES = ['cpu', 'gpu', 'npu'] as const;

/** Reads the hardware devices from ORT's log text (a probe child's stderr). */
export function parseOrtHardwareDevices(log: string): OrtHardwareDevice[] {
  const seen = new Map<string, OrtHardwareDevice>();
  for (const m of log.matchAll(LINE)) {
    const device: OrtHardwareDevice = { vendorId: m[1], deviceId: m[2], vendor: m[3].trim(), type: TYPES[Number(m[4])] ?? 'unknown' };
    seen.set(`${device.vendorId}:${device.deviceId}:${device.type}`, device);
  }
  return [...seen.values()];
}
