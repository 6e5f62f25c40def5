import { OnnxGraphBuilder, OnnxType, intAttr, intsAttr } from '@switchyard/common';
import { hashSeed, seededWeights } from './seeded-weights';
import type { ModelConfig } from '../interfaces/model-config.interface';

/** A demo MLP: widths[0] inputs, then one MatMul+Add per later width, ReLU between layers. */
export interface MlpSpec {
  kind: 'mlp';
  name: string;
  widths: number[];
  maxBatchSize: number;
  maxQueueDelayMicros: number;
}

/** A small CNN on 1x28x28 images: conv(1->8) relu pool, conv(8->16) relu pool, fc(784->10). */
export interface CnnSpec {
  kind: 'cnn';
  name: string;
  maxBatchSize: number;
  maxQueueDelayMicros: number;
}

/** Identity over one tensor of each supported dtype: exercises the wire formats. */
export interface EchoSpec {
  kind: 'echo';
  name: string;
}

/** Identity over one BYTES (ONNX string) tensor: BYTES in and out of a real session. */
export interface BytesEchoSpec {
  kind: 'bytes-echo';
  name: string;
}

/**
 * Several versions of an MLP with the same input and output widths (rollout demos): version n is
 * an MLP of `versions[n - 1]` widths, its weights seeded by "<name>@<n>" (see referenceMlp).
 */
export interface VersionedMlpSpec {
  kind: 'mlp-versions';
  name: string;
  versions: number[][];
  maxBatchSize: number;
  /**
   * Versions whose graph squeezes the batch dim: right for requests of one row, a run-time error
   * for more (a deterministic faulty candidate, as a buggy export would be).
   */
  oneRowVersions: number[];
}

export type DemoModelSpec = MlpSpec | CnnSpec | EchoSpec | BytesEchoSpec | VersionedMlpSpec;

export const DEMO_MODELS: DemoModelSpec[] = [
  // No queue delay (Triton's default): a lone request on an idle device runs at once, and requests
  // that queue while the device is busy are merged. A delay only pays where slots sit idle.
  { kind: 'mlp', name: 'mlp_tiny', widths: [16, 32, 32, 8], maxBatchSize: 64, maxQueueDelayMicros: 0 },
  { kind: 'mlp', name: 'mlp_small', widths: [1024, 1024, 1024, 1024, 1024], maxBatchSize: 64, maxQueueDelayMicros: 0 },
  { kind: 'mlp', name: 'mlp_large', widths: [4096, 4096, 4096, 4096, 4096], maxBatchSize: 64, maxQueueDelayMicros: 0 },
  { kind: 'cnn', name: 'cnn_small', maxBatchSize: 32, maxQueueDelayMicros: 0 },
  { kind: 'echo', name: 'dtype_echo' },
  { kind: 'bytes-echo', name: 'bytes_echo' },
  // 1 and 2 as small as mlp_tiny (different weights); 3 much deeper and wider (a slow candidate);
  // 4 fails every request of more than one row (a faulty candidate)
  {
    kind: 'mlp-versions',
    name: 'mlp_versions',
    versions: [[16, 32, 32, 8], [16, 32, 32, 8], [16, 2048, 2048, 2048, 2048, 8], [16, 32, 32, 8]],
    maxBatchSize: 64,
    oneRowVersions: [4],
  },
];

export const ECHO_DTYPES = [
  { dtype: 'FP32', onnx: OnnxType.FLOAT },
  { dtype: 'FP16', onnx: OnnxType.FLOAT16 },
  { dtype: 'INT64', onnx: OnnxType.INT64 },
  { dtype: 'INT32', onnx: OnnxType.INT32 },
  { dtype: 'INT8', onnx: OnnxType.INT8 },
  { dtype: 'UINT8', onnx: OnnxType.UINT8 },
  { dtype: 'BOOL', onnx: OnnxType.BOOL },
] as const;

/** Weight tensors of an MLP layer, regenerated from seeds (the test reference uses these too). */
export function mlpLayer(name: string, layer: number, fanIn: number, fanOut: number) {
  return {
    weight: seededWeights(hashSeed(`${name}/W${layer}`), fanIn * fanOut, 1 / Math.sqrt(fanIn)),
    bias: seededWeights(hashSeed(`${name}/b${layer}`), fanOut, 0.1),
  };
}

export const CNN_SHAPES = {
  conv1: [8, 1, 3, 3],
  conv2: [16, 8, 3, 3],
  fc: [784, 10],
} as const;

export function cnnWeights(name: string) {
  const w = (part: string, n: number, fanIn: number) => seededWeights(hashSeed(`${name}/${part}`), n, 1 / Math.sqrt(fanIn));
  return {
    conv1: w('conv1', 8 * 9, 9),
    conv1b: w('conv1b', 8, 9),
    conv2: w('conv2', 16 * 8 * 9, 72),
    conv2b: w('conv2b', 16, 72),
    fc: w('fc', 784 * 10, 784),
    fcb: w('fcb', 10, 784),
  };
}

/** The files of a demo model: its config and model.onnx per version. */
export function buildDemoModel(spec: DemoModelSpec): { versions: Array<{ version: string; onnx: Uint8Array }>; config: ModelConfig } {
  const one = ({ onnx, config }: { onnx: Uint8Array; config: ModelConfig }) => ({ versions: [{ version: '1', onnx }], config });
  switch (spec.kind) {
    case 'mlp':
      return one(buildMlp(spec));
    case 'cnn':
      return one(buildCnn(spec));
    case 'echo':
      return one(buildEcho(spec));
    case 'bytes-echo':
      return one(buildBytesEcho(spec));
    case 'mlp-versions':
      return buildVersionedMlp(spec);
  }
}

/** The MlpSpec of one version of a VersionedMlpSpec (its name seeds the weights). */
export function mlpVersion(spec: VersionedMlpSpec, version: number): MlpSpec {
  return { kind: 'mlp', name: `${spec.name}@${version}`, widths: spec.versions[version - 1], maxBatchSize: spec.maxBatchSize, maxQueueDelayMicros: 0 };
}

function buildVersionedMlp(spec: VersionedMlpSpec) {
  const versions = spec.versions.map((_, i) => ({ version: String(i + 1), onnx: buildMlp(mlpVersion(spec, i + 1), spec.oneRowVersions.includes(i + 1)).onnx }));
  const config = buildMlp(mlpVersion(spec, 1)).config;
  return { versions, config: { ...config, name: spec.name, version_policy: { all: {} } } as ModelConfig };
}

function buildBytesEcho(spec: BytesEchoSpec) {
  const g = new OnnxGraphBuilder(spec.name);
  g.input('in_bytes', OnnxType.STRING, ['n']);
  g.node('Identity', ['in_bytes'], [], 'out_bytes');
  g.output('out_bytes', OnnxType.STRING, ['n']);
  const config: ModelConfig = {
    name: spec.name,
    platform: 'onnxruntime_onnx',
    max_batch_size: 0,
    input: [{ name: 'in_bytes', data_type: 'BYTES', dims: [-1] }],
    output: [{ name: 'out_bytes', data_type: 'BYTES', dims: [-1] }],
  };
  return { onnx: g.build(), config };
}

function buildMlp(spec: MlpSpec, oneRow = false) {
  const g = new OnnxGraphBuilder(spec.name);
  const inDim = spec.widths[0];
  const outDim = spec.widths[spec.widths.length - 1];
  let x = g.input('input', OnnxType.FLOAT, ['batch', inDim]);
  for (let i = 0; i + 1 < spec.widths.length; i++) {
    const { weight, bias } = mlpLayer(spec.name, i, spec.widths[i], spec.widths[i + 1]);
    const W = g.initializer(`W${i}`, [spec.widths[i], spec.widths[i + 1]], weight);
    const b = g.initializer(`b${i}`, [spec.widths[i + 1]], bias);
    const last = i + 2 === spec.widths.length;
    x = g.node('Add', [g.node('MatMul', [x, W]), b], [], last && !oneRow ? 'output' : undefined);
    if (!last) x = g.node('Relu', [x]);
  }
  if (oneRow) {
    // Squeeze(axis 0) fails at run time unless there is one row; Expand back to the input's shape
    // keeps the declared output shape ["batch", outDim] (a Reshape would fix it to 1)
    const squeezed = g.node('Squeeze', [x, g.initializer('axis0', [1], BigInt64Array.from([0n]))]);
    g.node('Expand', [squeezed, g.node('Shape', [x])], [], 'output');
  }
  g.output('output', OnnxType.FLOAT, ['batch', outDim]);
  return {
    onnx: g.build(),
    config: batchedConfig(spec.name, spec.maxBatchSize, spec.maxQueueDelayMicros, [inDim], [outDim]),
  };
}

function buildCnn(spec: CnnSpec) {
  const g = new OnnxGraphBuilder(spec.name);
  const w = cnnWeights(spec.name);
  const x = g.input('image', OnnxType.FLOAT, ['batch', 1, 28, 28]);
  const conv = (input: string, weight: string, bias: string) =>
    g.node('Conv', [input, weight, bias], [intsAttr('kernel_shape', [3, 3]), intsAttr('pads', [1, 1, 1, 1])]);
  const pool = (input: string) => g.node('MaxPool', [input], [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2])]);
  const c1 = pool(g.node('Relu', [conv(x, g.initializer('conv1', [...CNN_SHAPES.conv1], w.conv1), g.initializer('conv1b', [8], w.conv1b))]));
  const c2 = pool(g.node('Relu', [conv(c1, g.initializer('conv2', [...CNN_SHAPES.conv2], w.conv2), g.initializer('conv2b', [16], w.conv2b))]));
  const flat = g.node('Flatten', [c2], [intAttr('axis', 1)]);
  const fc = g.node('MatMul', [flat, g.initializer('fc', [...CNN_SHAPES.fc], w.fc)]);
  g.node('Add', [fc, g.initializer('fcb', [10], w.fcb)], [], 'logits');
  g.output('logits', OnnxType.FLOAT, ['batch', 10]);
  return {
    onnx: g.build(),
    config: {
      ...batchedConfig(spec.name, spec.maxBatchSize, spec.maxQueueDelayMicros, [1, 28, 28], [10]),
      input: [{ name: 'image', data_type: 'FP32', dims: [1, 28, 28] }],
      output: [{ name: 'logits', data_type: 'FP32', dims: [10] }],
    } satisfies ModelConfig,
  };
}

function buildEcho(spec: EchoSpec) {
  const g = new OnnxGraphBuilder(spec.name);
  const config: ModelConfig = { name: spec.name, platform: 'onnxruntime_onnx', max_batch_size: 0, input: [], output: [] };
  for (const { dtype, onnx } of ECHO_DTYPES) {
    const lower = dtype.toLowerCase();
    g.input(`in_${lower}`, onnx, ['n']);
    g.node('Identity', [`in_${lower}`], [], `out_${lower}`);
    g.output(`out_${lower}`, onnx, ['n']);
    config.input.push({ name: `in_${lower}`, data_type: dtype, dims: [-1] });
    config.output.push({ name: `out_${lower}`, data_type: dtype, dims: [-1] });
  }
  return { onnx: g.build(), config };
}

function batchedConfig(name: string, maxBatch: number, delayMicros: number, inDims: number[], outDims: number[]): ModelConfig {
  return {
    name,
    platform: 'onnxruntime_onnx',
    max_batch_size: maxBatch,
    input: [{ name: 'input', data_type: 'FP32', dims: inDims }],
    output: [{ name: 'output', data_type: 'FP32', dims: outDims }],
    dynamic_batching: { max_queue_delay_microseconds: delayMicros },
  };
}
