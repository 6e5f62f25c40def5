import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listSupportedBackends } from 'onnxruntime-node';
import { OrtBackendsAdapter } from './ort-backends.adapter';

const bindingDir = dirname(require.resolve(`onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`));

describe(OrtBackendsAdapter.name, () => {
  it('lists what this onnxruntime-node build supports, with the CPU EP bundled', async () => {
    const sut = new OrtBackendsAdapter();
    const backends = await sut.list();
    expect(backends.map((b) => b.name)).toEqual(listSupportedBackends().map((b) => b.name));
    expect(backends.find((b) => b.name === 'cpu')).toEqual({ name: 'cpu', bundled: true, missingLibraries: [] });
  });

  it('names exactly the provider libraries that are absent from the binding folder', async () => {
    const sut = new OrtBackendsAdapter();
    for (const backend of await sut.list()) {
      for (const lib of backend.missingLibraries) expect(existsSync(join(bindingDir, lib))).toBe(false);
      if (backend.name === 'cuda' && process.platform === 'linux') {
        const needed = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
        expect(backend.missingLibraries).toEqual(needed.filter((lib) => !existsSync(join(bindingDir, lib))));
      }
    }
  });
});
