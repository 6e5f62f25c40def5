/** What kind of processor a device is; 'remote' is another KServe v2 server (docs/remote-tier.md). */
export type DeviceKind = 'cpu' | 'gpu' | 'npu' | 'remote';

/** onnxruntime execution providers Switchyard knows how to probe and use. */
export type ExecutionProviderName = 'cpu' | 'webgpu' | 'cuda' | 'tensorrt' | 'coreml' | 'qnn' | 'dml';

/**
 * One device of the host, as listed at GET /v1/devices.
 *
 * @remarks `id` is stable across restarts of the same host ("cpu:0", "gpu:0", "npu:0", and
 * "remote:<name>" from SWITCHYARD_REMOTE_DEVICES): profiles and config refer to it. A device with `usable: false` has a `reason` a person can act on, and
 * gets no worker pool.
 */
export interface DeviceInfo {
  id: string;
  kind: DeviceKind;
  vendor: string;
  name: string;
  /** Device memory (host RAM for the CPU), bytes; absent when unknown. */
  memoryBytes?: number;
  /**
   * The EP that serves this device; on an unusable device the EP that would (e.g. "cuda" for an
   * NVIDIA GPU without the CUDA libraries). null when no EP this build knows could: the one that
   * would serve it (OpenVINO, VitisAI...) is then named in `details.servedBy`.
   */
  executionProvider: ExecutionProviderName | null;
  usable: boolean;
  reason?: string;
  /** Relative cost of one second on this device (price, watts...); 1 by default, from config. */
  costWeight: number;
  /** Kind-specific facts: cores, driver, adapter info, accel sysfs path... */
  details: Record<string, unknown>;
}
