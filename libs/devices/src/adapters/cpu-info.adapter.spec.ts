import { cpus, totalmem } from 'node:os';
import { CpuInfoAdapter } from './cpu-info.adapter';

describe(CpuInfoAdapter.name, () => {
  it('reads the real CPU and memory, agreeing with node:os', async () => {
    const sut = new CpuInfoAdapter();
    const facts = await sut.read();
    expect(facts.logicalCores).toBe(cpus().length);
    expect(facts.physicalCores).toBeGreaterThanOrEqual(1);
    expect(facts.physicalCores).toBeLessThanOrEqual(facts.logicalCores);
    expect(facts.memoryTotalBytes).toBe(totalmem());
    expect(facts.model.length).toBeGreaterThan(0);
  });
});
