import { hostFingerprint, type FingerprintInputs } from './host-fingerprint';

const base: FingerprintInputs = {
  cpuModel: 'AMD EPYC 7B13',
  devices: [
    { id: 'cpu:0', name: 'AMD EPYC 7B13', executionProvider: 'cpu' },
    { id: 'gpu:0', name: 'llvmpipe (LLVM 15.0.6, 256 bits)', executionProvider: 'webgpu' },
  ],
  ortVersion: '1.30.0',
  models: [
    { key: 'mlp_tiny@1', sha256: 'a'.repeat(64) },
    { key: 'cnn_small@1', sha256: 'b'.repeat(64) },
  ],
};

describe(hostFingerprint.name, () => {
  it('is a stable 16-hex-digit hash that ignores the order of devices and models', () => {
    const reordered = { ...base, devices: [...base.devices].reverse(), models: [...base.models].reverse() };
    expect(hostFingerprint(base)).toMatch(/^[0-9a-f]{16}$/);
    expect(hostFingerprint(reordered)).toBe(hostFingerprint(base));
  });

  it.each<[string, Partial<FingerprintInputs>]>([
    ['the CPU model', { cpuModel: 'Intel Xeon' }],
    ['a GPU name', { devices: [base.devices[0], { ...base.devices[1], name: 'NVIDIA L4' }] }],
    ['an execution provider', { devices: [base.devices[0], { ...base.devices[1], executionProvider: 'cuda' }] }],
    ['the device list', { devices: [base.devices[0]] }],
    ['the onnxruntime version', { ortVersion: '1.31.0' }],
    ['a model hash', { models: [base.models[0], { ...base.models[1], sha256: 'c'.repeat(64) }] }],
  ])('changes with %s', (_what, change) => {
    expect(hostFingerprint({ ...base, ...change })).not.toBe(hostFingerprint(base));
  });
});
