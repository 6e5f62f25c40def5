/**
 * WebGPU tests skip (with a message) on hosts without an adapter, unless REQUIRE_WEBGPU=1 (CI
 * sets it after installing lavapipe): then a missing adapter fails the test.
 */
export function webgpuRequired(): boolean {
  return process.env.REQUIRE_WEBGPU === '1';
}

/** Call at the start of a WebGPU test; returns false when the test should end (skipped). */
export function requireWebgpuOrSkip(available: boolean, why: string): boolean {
  if (available) return true;
  if (webgpuRequired()) throw new Error(`REQUIRE_WEBGPU=1 but no WebGPU device: ${why}`);
  console.warn(`skipping WebGPU test: ${why} (set REQUIRE_WEBGPU=1 to fail instead)`);
  return false;
}
