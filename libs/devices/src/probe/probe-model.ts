// The builder file itself, not the @switchyard/models barrel: the barrel pulls in models ->
// runtime -> devices, a cycle that leaves DevicesModule's providers undefined at load time.
// onnx-builder.ts depends on onnx-proto only.
import { OnnxGraphBuilder, OnnxType } from '@switchyard/common';

/** The probe's model: c = a + b over two float[2] inputs, one node, no initializers. */
export function buildProbeModel(): Uint8Array {
  const g = new OnnxGraphBuilder('switchyard_ep_probe');
  const a = g.input('a', OnnxType.FLOAT, [2]);
  const b = g.input('b', OnnxType.FLOAT, [2]);
  g.node('Add', [a, b], [], g.output('c', OnnxType.FLOAT, [2]));
  return g.build();
}
