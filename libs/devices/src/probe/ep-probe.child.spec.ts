import { fork } from 'node:child_process';
import { join } from 'node:path';
import { OnnxGraphBuilder, OnnxType, intAttr } from '@switchyard/common';
import { availableOrSkip } from '../../../../test/support/requirements';
import type { ExecutionProviderName } from '../interfaces/device.interface';
import type { ProbeResult } from '../interfaces/probe-result.interface';
import { buildProbeModel } from './probe-model';

const CHILD = join(__dirname, 'ep-probe.child.js');

/** c = float(double(a) + double(b)): WebGPU has no float64 kernels, so ORT places it all on the CPU. */
function float64Model(): Uint8Array {
  const g = new OnnxGraphBuilder('float64_add');
  const toDouble = (x: string) => g.node('Cast', [x], [intAttr('to', 11)]);
  const sum = g.node('Add', [toDouble(g.input('a', OnnxType.FLOAT, [2])), toDouble(g.input('b', OnnxType.FLOAT, [2]))]);
  g.node('Cast', [sum], [intAttr('to', OnnxType.FLOAT)], g.output('c', OnnxType.FLOAT, [2]));
  return g.build();
}

function runChild(ep: ExecutionProviderName, model: Uint8Array): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    child.once('message', (m) => resolve(m as ProbeResult));
    child.once('exit', (code, signal) => reject(new Error(`probe child exited (${code ?? signal}) without answering`)));
    child.send({ ep, model });
  });
}

describe('ep-probe.child', () => {
  it('answers ok for the CPU EP with the node placed on it', async () => {
    await expect(runChild('cpu', buildProbeModel())).resolves.toMatchObject({ ok: true, placedOn: ['CPUExecutionProvider'] });
  }, 60_000);

  it('accepts a model that only the CPU EP can run when asked for the CPU EP', async () => {
    await expect(runChild('cpu', float64Model())).resolves.toMatchObject({ ok: true, placedOn: ['CPUExecutionProvider'] });
  }, 60_000);

  it('reports a silent fallback to the CPU as a failed WebGPU probe', async () => {
    const real = await runChild('webgpu', buildProbeModel());
    if (!availableOrSkip('webgpu', real.ok, `webgpu probe: ${real.error}`)) return;
    const result = await runChild('webgpu', float64Model());
    expect(result).toMatchObject({
      ok: false,
      placedOn: ['CPUExecutionProvider'],
      error: 'ORT fell back: the probe ran on CPUExecutionProvider, not WebGpuExecutionProvider',
    });
  }, 60_000);

  it('reports the ORT error for an EP this build does not have', async () => {
    const result = await runChild('coreml', buildProbeModel());
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/coreml/i);
  }, 60_000);
});
