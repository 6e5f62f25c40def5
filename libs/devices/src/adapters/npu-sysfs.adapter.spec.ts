import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NpuSysfsAdapter } from './npu-sysfs.adapter';

/** A fake root with /sys/class/accel/accelN -> a PCI device bound to `driver`, like the kernel's. */
function fakeRoot(accel: { node: string; driver?: string; vendor?: string; device?: string }[], dev: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'sy-sysfs-'));
  for (const [i, a] of accel.entries()) {
    const pciDevice = join(root, `sys/devices/pci0000:00/0000:00:0${i}.0`);
    mkdirSync(join(pciDevice, 'accel', a.node), { recursive: true });
    if (a.driver) {
      mkdirSync(join(root, 'sys/bus/pci/drivers', a.driver), { recursive: true });
      symlinkSync(join('../../../bus/pci/drivers', a.driver), join(pciDevice, 'driver'));
    }
    if (a.vendor) writeFileSync(join(pciDevice, 'vendor'), `${a.vendor}\n`);
    if (a.device) writeFileSync(join(pciDevice, 'device'), `${a.device}\n`);
    mkdirSync(join(root, 'sys/class/accel', a.node), { recursive: true });
    symlinkSync(pciDevice, join(root, 'sys/class/accel', a.node, 'device'));
  }
  mkdirSync(join(root, 'dev'), { recursive: true });
  for (const d of dev) writeFileSync(join(root, 'dev', d), '');
  return root;
}

describe(NpuSysfsAdapter.name, () => {
  it('reads each accel device with its driver and PCI ids, in numeric order', async () => {
    const root = fakeRoot([
      { node: 'accel10', driver: 'qaic', vendor: '0x17cb', device: '0xa100' },
      { node: 'accel0', driver: 'intel_vpu', vendor: '0x8086', device: '0x7d1d' },
      { node: 'accel2', driver: 'amdxdna', vendor: '0x1022', device: '0x17f0' },
    ]);
    const sut = new NpuSysfsAdapter(root);
    await expect(sut.accelDevices()).resolves.toEqual([
      { node: 'accel0', driver: 'intel_vpu', pciVendorId: '0x8086', pciDeviceId: '0x7d1d', sysfsPath: '/sys/class/accel/accel0' },
      { node: 'accel2', driver: 'amdxdna', pciVendorId: '0x1022', pciDeviceId: '0x17f0', sysfsPath: '/sys/class/accel/accel2' },
      { node: 'accel10', driver: 'qaic', pciVendorId: '0x17cb', pciDeviceId: '0xa100', sysfsPath: '/sys/class/accel/accel10' },
    ]);
  });

  it('reports an accel device without a bound driver as "unknown"', async () => {
    const sut = new NpuSysfsAdapter(fakeRoot([{ node: 'accel0' }]));
    await expect(sut.accelDevices()).resolves.toEqual([
      { node: 'accel0', driver: 'unknown', pciVendorId: undefined, pciDeviceId: undefined, sysfsPath: '/sys/class/accel/accel0' },
    ]);
  });

  it('finds Qualcomm FastRPC nodes under /dev', async () => {
    const sut = new NpuSysfsAdapter(fakeRoot([], ['fastrpc-cdsp', 'null', 'fastrpc-adsp-secure']));
    await expect(sut.fastRpcNodes()).resolves.toEqual(['fastrpc-adsp-secure', 'fastrpc-cdsp']);
  });

  it('finds nothing on a host without the accel class', async () => {
    const sut = new NpuSysfsAdapter(mkdtempSync(join(tmpdir(), 'sy-sysfs-empty-')));
    await expect(sut.accelDevices()).resolves.toEqual([]);
    await expect(sut.fastRpcNodes()).resolves.toEqual([]);
  });
});
