import { createHash } from 'node:crypto';

/** What a calibration profile depends on: the same inputs give the same fingerprint. */
export interface FingerprintInputs {
  cpuModel: string;
  /** The devices with a pool (id, name, execution provider). */
  devices: Array<{ id: string; name: string; executionProvider: string | null }>;
  ortVersion: string;
  models: Array<{ key: string; sha256: string }>;
}

/**
 * A short stable hash of the host (CPU model, devices and EPs, onnxruntime version) and the
 * models (their sha256): a restart on the same host reuses the profile, any change recalibrates.
 * Order of devices and models does not matter.
 */
export function hostFingerprint(inputs: FingerprintInputs): string {
  const canonical = {
    cpu: inputs.cpuModel.trim(),
    devices: [...inputs.devices].sort((a, b) => a.id.localeCompare(b.id)).map((d) => [d.id, d.name, d.executionProvider]),
    ort: inputs.ortVersion,
    models: [...inputs.models].sort((a, b) => a.key.localeCompare(b.key)).map((m) => [m.key, m.sha256]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
}

/**
 * The hardware part of the fingerprint (CPU model, devices and EPs, onnxruntime version),
 * without the models: nodes with the same one measure the same speeds for the same model digest.
 */
export function hardwareFingerprint(inputs: Omit<FingerprintInputs, 'models'>): string {
  return hostFingerprint({ ...inputs, models: [] });
}
