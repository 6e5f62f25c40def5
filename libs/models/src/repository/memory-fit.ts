/** What one device pool can give a new model's sessions. */
export interface DeviceRoom {
  deviceId: string;
  /** Sessions the model would take there (one per worker). */
  sessions: number;
  /** Bytes the device may hold in model sessions (the budget). */
  budgetBytes: number;
  /** Bytes already held by the models pinned there. */
  pinnedBytes: number;
}

/**
 * Which devices have room for a model of `modelBytes` (its weights, once per session), and why the
 * others do not. An estimate: ORT's arena and activations come on top, so budgets keep headroom.
 */
export function fitDevices(modelBytes: number, rooms: DeviceRoom[]): { fit: string[]; refused: Record<string, string> } {
  const fit: string[] = [];
  const refused: Record<string, string> = {};
  for (const r of rooms) {
    const need = modelBytes * r.sessions;
    const free = r.budgetBytes - r.pinnedBytes;
    if (need <= free) fit.push(r.deviceId);
    else refused[r.deviceId] = `needs ${mib(need)} (${r.sessions} session(s) of ${mib(modelBytes)}), ${mib(Math.max(0, free))} free of a ${mib(r.budgetBytes)} budget`;
  }
  return { fit, refused };
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
