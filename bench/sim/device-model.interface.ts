import type { DeviceKind } from '@switchyard/devices';
import type { ServiceTimeFn } from '@switchyard/simulator';

/** A device as the simulator models it: true service times and real parallel slots. */
export interface DeviceModel {
  id: string;
  kind: DeviceKind;
  slots: number;
  costWeight: number;
  serviceMs: ServiceTimeFn;
  /** Runs that progress at full speed at once, when fewer than `slots` (one GPU queue behind a worker taking several tasks). */
  parallel?: number;
  /** Host CPU cores one run keeps busy (measured; absent: none). */
  hostCores?: number;
  /** Extra ms of a run whose slot last ran another model (fitted: a CPU pool serving mixed sizes). */
  switchMs?: number;
  /** Models the device has numbers for. */
  models: string[];
}

/** A host for the simulator: its devices and where their numbers come from. */
export interface HostModel {
  name: string;
  /** The profile file it was read from. */
  file: string;
  /** Calibration profile of a real host, or a bench profile (e.g. the H100 host's published numbers). */
  source: 'calibration' | 'bench-profile';
  description: string;
  notes: string[];
  devices: DeviceModel[];
}
