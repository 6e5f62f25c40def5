import { CNN_SHAPES, cnnWeights, mlpLayer, type MlpSpec } from '../demo/demo-models';

/**
 * Independent float64 reference of the demo models, computed from the same seeded weights
 * without onnxruntime: tests compare served outputs with it.
 */
export function referenceMlp(spec: Pick<MlpSpec, 'name' | 'widths'>, input: ArrayLike<number>, batch: number): Float64Array {
  let x = Float64Array.from(input);
  for (let layer = 0; layer + 1 < spec.widths.length; layer++) {
    const fanIn = spec.widths[layer];
    const fanOut = spec.widths[layer + 1];
    const { weight, bias } = mlpLayer(spec.name, layer, fanIn, fanOut);
    const y = new Float64Array(batch * fanOut);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < fanOut; j++) {
        let sum = bias[j];
        for (let i = 0; i < fanIn; i++) sum += x[b * fanIn + i] * weight[i * fanOut + j];
        y[b * fanOut + j] = layer + 2 === spec.widths.length ? sum : Math.max(0, sum);
      }
    }
    x = y;
  }
  return x;
}

export function referenceCnn(name: string, image: ArrayLike<number>, batch: number): Float64Array {
  const w = cnnWeights(name);
  const out = new Float64Array(batch * 10);
  for (let b = 0; b < batch; b++) {
    const x = Float64Array.from({ length: 784 }, (_, i) => image[b * 784 + i]);
    const c1 = pool2(relu(conv3x3(x, 1, 28, w.conv1, w.conv1b, CNN_SHAPES.conv1[0])), 8, 28);
    const c2 = pool2(relu(conv3x3(c1, 8, 14, w.conv2, w.conv2b, CNN_SHAPES.conv2[0])), 16, 14);
    for (let j = 0; j < 10; j++) {
      let sum = w.fcb[j];
      for (let i = 0; i < 784; i++) sum += c2[i] * w.fc[i * 10 + j];
      out[b * 10 + j] = sum;
    }
  }
  return out;
}

function conv3x3(x: Float64Array, cin: number, size: number, weight: Float32Array, bias: Float32Array, cout: number): Float64Array {
  const y = new Float64Array(cout * size * size);
  for (let o = 0; o < cout; o++)
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) {
        let sum = bias[o];
        for (let i = 0; i < cin; i++)
          for (let kr = 0; kr < 3; kr++)
            for (let kc = 0; kc < 3; kc++) {
              const rr = r + kr - 1;
              const cc = c + kc - 1;
              if (rr < 0 || cc < 0 || rr >= size || cc >= size) continue;
              sum += x[(i * size + rr) * size + cc] * weight[((o * cin + i) * 3 + kr) * 3 + kc];
            }
        y[(o * size + r) * size + c] = sum;
      }
  return y;
}

function relu(x: Float64Array): Float64Array {
  return x.map((v) => Math.max(0, v));
}

function pool2(x: Float64Array, channels: number, size: number): Float64Array {
  const half = size / 2;
  const y = new Float64Array(channels * half * half);
  for (let ch = 0; ch < channels; ch++)
    for (let r = 0; r < half; r++)
      for (let c = 0; c < half; c++) {
        const at = (dr: number, dc: number) => x[(ch * size + 2 * r + dr) * size + 2 * c + dc];
        y[(ch * half + r) * half + c] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
      }
  return y;
}

/** Largest |a-b| / (1 + |b|) over two arrays of the same length. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])));
  return worst;
}
