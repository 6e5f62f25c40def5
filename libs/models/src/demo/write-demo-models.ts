import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDemoModel, DEMO_MODELS, type DemoModelSpec } from './demo-models';

/** Bump when a demo model's graph or weights change, so existing repositories regenerate. */
export const DEMO_GENERATOR_VERSION = '2';

/**
 * Writes the demo models into a Triton-style repository: <root>/<name>/config.json and
 * <root>/<name>/1/model.onnx. Skips models already written by this generator version.
 */
export async function writeDemoModels(
  root: string,
  options: { only?: string[]; force?: boolean; log?: (line: string) => void } = {},
): Promise<string[]> {
  const written: string[] = [];
  const specs = DEMO_MODELS.filter((s) => !options.only || options.only.includes(s.name));
  for (const spec of specs) {
    if (!options.force && (await isCurrent(root, spec))) continue;
    const started = Date.now();
    const { versions, config } = buildDemoModel(spec);
    let bytes = 0;
    for (const { version, onnx } of versions) {
      await mkdir(join(root, spec.name, version), { recursive: true });
      await writeFile(join(root, spec.name, version, 'model.onnx'), onnx);
      bytes += onnx.byteLength;
    }
    await writeFile(join(root, spec.name, 'config.json'), JSON.stringify(config, null, 2) + '\n');
    await writeFile(join(root, spec.name, '.generated'), DEMO_GENERATOR_VERSION);
    options.log?.(`wrote ${spec.name} (${(bytes / 2 ** 20).toFixed(1)} MiB) in ${Date.now() - started} ms`);
    written.push(spec.name);
  }
  return written;
}

async function isCurrent(root: string, spec: DemoModelSpec): Promise<boolean> {
  try {
    return (await readFile(join(root, spec.name, '.generated'), 'utf8')) === DEMO_GENERATOR_VERSION;
  } catch {
    return false;
  }
}
