import type { ExecutionProviderName } from './device.interface';

/**
 * What an execution-provider probe child reports (JSON over IPC), or what the parent concludes
 * when the child crashed or timed out.
 *
 * @remarks `ok` means a session was created with the EP, ran the probe model, returned the right
 * numbers and ORT's profile shows the node placed on that EP (no silent CPU fallback).
 */
export interface ProbeResult {
  ok: boolean;
  /** Why the probe failed, for a person: the ORT error, the crash signal, the timeout... */
  error?: string;
  /** What ORT/Dawn said about the adapter, when anything. */
  adapterInfo?: Record<string, unknown>;
  /** Providers ORT placed the probe's nodes on, from its profile (e.g. ["WebGpuExecutionProvider"]). */
  placedOn?: string[];
  /** Wall time of the probe inside the child (session creation + one run), ms. */
  ms: number;
}

/** The request the parent sends to a probe child. */
export interface ProbeRequest {
  ep: ExecutionProviderName;
  /** Device index for EPs that take one (cuda, tensorrt, dml). */
  deviceId?: number;
  /** The ONNX model bytes: Add of two float[2] inputs "a" and "b" into "c". */
  model: Uint8Array;
}
