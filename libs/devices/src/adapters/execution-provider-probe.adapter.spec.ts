import { loadConfig } from '@switchyard/config';
import { join } from 'node:path';
import { availableOrSkip } from '../../../../test/support/requirements';
import { ExecutionProviderProbeAdapter } from './execution-provider-probe.adapter';

const config = (timeoutMs = 60_000) => loadConfig({}, { PROBE_TIMEOUT_MS: timeoutMs });
const testingScript = (name: string) => join(__dirname, '..', 'testing', name);

describe(ExecutionProviderProbeAdapter.name, () => {
  it('runs the cpu probe in a child process and sees the node placed on the CPU EP', async () => {
    const sut = new ExecutionProviderProbeAdapter(config());
    const result = await sut.probe('cpu');
    expect(result).toMatchObject({ ok: true, placedOn: ['CPUExecutionProvider'] });
    expect(result.ms).toBeGreaterThan(0);
  }, 60_000);

  it('runs the webgpu probe on a real adapter (skips without one unless REQUIRE_WEBGPU=1)', async () => {
    const sut = new ExecutionProviderProbeAdapter(config());
    const result = await sut.probe('webgpu');
    if (!availableOrSkip('webgpu', result.ok, `the webgpu probe failed: ${result.error}`)) return;
    expect(result).toMatchObject({ ok: true, placedOn: ['WebGpuExecutionProvider'] });
  }, 60_000);

  it('reports the CUDA EP honestly: placed on CUDA when it works, else unusable with the reason', async () => {
    const sut = new ExecutionProviderProbeAdapter(config());
    const result = await sut.probe('cuda', 0);
    // a host with a GPU and the CUDA libraries passes the probe; any other host must say why not
    if (result.ok) expect(result.placedOn).toContain('CUDAExecutionProvider');
    else expect(result.error).toMatch(/cuda|shared library|libonnxruntime_providers/i);
  }, 60_000);

  it('reports a probe child that aborts as unusable, with the signal and its last words', async () => {
    const sut = new ExecutionProviderProbeAdapter(config(), testingScript('aborting-probe.child.js'));
    const result = await sut.probe('webgpu');
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/killed by SIGABRT/);
    expect(result.error).toContain('fake driver: assertion failed in vkCreateDevice');
    // The parent (this jest worker) is still alive and can probe again.
    await expect(new ExecutionProviderProbeAdapter(config()).probe('cpu')).resolves.toMatchObject({ ok: true });
  }, 60_000);

  it('kills a probe child that does not answer within the probe timeout', async () => {
    const sut = new ExecutionProviderProbeAdapter(config(300), testingScript('silent-probe.child.js'));
    const result = await sut.probe('webgpu');
    expect(result).toMatchObject({ ok: false, error: 'probe timed out after 300 ms (SWITCHYARD_PROBE_TIMEOUT_MS)' });
    expect(result.ms).toBeGreaterThanOrEqual(290);
  });

  it('reports a probe script that cannot start', async () => {
    const sut = new ExecutionProviderProbeAdapter(config(), testingScript('no-such-probe.child.js'));
    const result = await sut.probe('cpu');
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/exited with code 1 before answering.*Cannot find module/);
  });
});
