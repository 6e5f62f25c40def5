import { Injectable } from '@nestjs/common';
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OrtBackend } from '../interfaces/ort-backend.interface';

/** Provider libraries an EP needs beside onnxruntime-node's binding (downloaded, not bundled). */
const LIBRARIES: Record<string, Partial<Record<NodeJS.Platform, string[]>>> = {
  cuda: {
    linux: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'],
    win32: ['onnxruntime_providers_shared.dll', 'onnxruntime_providers_cuda.dll'],
  },
  tensorrt: {
    linux: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'],
    win32: ['onnxruntime_providers_shared.dll', 'onnxruntime_providers_tensorrt.dll'],
  },
};

/**
 * What this onnxruntime-node build says it supports (listSupportedBackends(): no session, no
 * device touched) and whether the provider libraries it needs are really installed.
 */
@Injectable()
export class OrtBackendsAdapter {
  async list(): Promise<OrtBackend[]> {
    const ort = await import('onnxruntime-node');
    const binding = require.resolve(`onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`);
    const dir = dirname(binding);
    return Promise.all(
      ort.listSupportedBackends().map(async ({ name, bundled }) => {
        const needed = LIBRARIES[name]?.[process.platform] ?? [];
        const missing = await Promise.all(
          needed.map((lib) =>
            access(join(dir, lib)).then(
              () => null,
              () => lib,
            ),
          ),
        );
        return { name, bundled, missingLibraries: missing.filter((l): l is string => l !== null) };
      }),
    );
  }
}
