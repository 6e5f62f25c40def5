import type { PiscinaPoolOptions } from './piscina-device-pool';

/** Parent -> child messages of a process-isolated pool. */
export type HostRequest =
  | { id: number; op: 'start'; options: Omit<PiscinaPoolOptions, 'onWorkerRestart' | 'buffers'> }
  | { id: number; op: 'load'; payload: { key: string; path: string } }
  | { id: number; op: 'unload'; payload: { key: string } }
  | { id: number; op: 'run'; payload: import('../interfaces/inference-task.interface').InferenceTask };

/** A request before its id is assigned (Omit does not distribute over a union). */
export type HostRequestBody = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, 'id'> : never) : never;

/** Child -> parent replies (`id` matches the request) and notices (`id` absent). */
export type HostReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string } }
  | { notice: 'worker-restart'; workerId: number; reason: string };
