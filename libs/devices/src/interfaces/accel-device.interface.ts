/** One entry of the Linux accel subsystem (/sys/class/accel/accelN). */
export interface AccelDevice {
  /** "accel0" */
  node: string;
  /** Kernel driver bound to it ("intel_vpu", "amdxdna", "qaic"...); "unknown" when unbound. */
  driver: string;
  /** PCI vendor id as hex ("0x8086"), when the device is on PCI. */
  pciVendorId?: string;
  pciDeviceId?: string;
  sysfsPath: string;
}
