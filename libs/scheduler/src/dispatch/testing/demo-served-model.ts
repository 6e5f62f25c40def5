import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDemoModels, type ModelConfig, type ServedModel } from '@switchyard/models';

/**
 * Writes one demo model into `root` and describes it as the model repository would (test
 * fixture: the real repository service builds ServedModel the same way from config.json).
 * `configPatch` changes the config (e.g. max_batch_size 0 to turn batching off).
 */
export async function demoServedModel(
  root: string,
  name: string,
  options: { devices?: string[]; configPatch?: Partial<ModelConfig>; version?: string } = {},
): Promise<{ model: ServedModel; path: string }> {
  await writeDemoModels(root, { only: [name] });
  const path = join(root, name, '1', 'model.onnx');
  const config: ModelConfig = { ...JSON.parse(await readFile(join(root, name, 'config.json'), 'utf8')), ...options.configPatch };
  const batched = config.max_batch_size > 0;
  const spec = (t: ModelConfig['input'][number]) => ({ name: t.name, datatype: t.data_type, shape: batched ? [-1, ...t.dims] : t.dims });
  const version = options.version ?? '1';
  const model: ServedModel = {
    name,
    version,
    key: `${name}@${version}`,
    platform: 'onnxruntime_onnx',
    config,
    inputs: config.input.map(spec),
    outputs: config.output.map(spec),
    maxBatchSize: config.max_batch_size,
    state: 'READY',
    devices: options.devices ?? ['cpu:0'],
    sha256: createHash('sha256')
      .update(await readFile(path))
      .digest('hex'),
  };
  return { model, path };
}
