import { OnnxGraphBuilder, OnnxType } from '@switchyard/models';

/** The probe's model: c = a + b over two float[2] inputs, one node, no initializers. */
export function buildProbeModel(): Uint8Array {
  const g = new OnnxGraphBuilder('switchyard_ep_probe');
  const a = g.input('a', OnnxType.FLOAT, [2]);
  const b = g.input('b', OnnxType.FLOAT, [2]);
  g.node('Add', [a, b], [], g.output('c', OnnxType.FLOAT, [2]));
  return g.build();
}
