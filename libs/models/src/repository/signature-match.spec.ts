import type { ModelSessionMetadata } from '@switchyard/runtime';
import { signatureMismatch } from './signature-match';

const session: ModelSessionMetadata = {
  inputs: [{ name: 'input', datatype: 'FP32', shape: ['batch', 16] }],
  outputs: [{ name: 'output', datatype: 'FP32', shape: ['batch', 8] }],
  loadMs: 1,
};
const remote = (over: Partial<ModelSessionMetadata>): ModelSessionMetadata => ({ ...session, loadMs: 2, ...over });

describe(signatureMismatch.name, () => {
  it.each([
    ['the same tensors, a free dim fixed on one side', remote({ inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 16] }] }), undefined],
    ['a fixed batch there', remote({ outputs: [{ name: 'output', datatype: 'FP32', shape: [4, 8] }] }), undefined],
    ['another input name', remote({ inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 16] }] }), 'inputs ["x"], expected ["input"]'],
    ['another datatype', remote({ inputs: [{ name: 'input', datatype: 'FP16', shape: [-1, 16] }] }), 'input "input" is FP16, expected FP32'],
    ['another fixed dim', remote({ outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, 10] }] }), 'output "output" has shape [-1,10], expected ["batch",8]'],
    ['another rank', remote({ inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4, 4] }] }), 'input "input" has shape [-1,4,4], expected ["batch",16]'],
    ['an extra output', remote({ outputs: [...session.outputs, { name: 'aux', datatype: 'FP32', shape: [1] }] }), 'outputs ["aux","output"], expected ["output"]'],
  ])('%s', (_case, other, expected) => {
    expect(signatureMismatch(session, other)).toBe(expected);
  });
});
