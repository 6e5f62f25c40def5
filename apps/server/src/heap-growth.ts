import { setFlagsFromString } from 'node:v8';

const FLAG = '--heap-growing-percent';

/**
 * The V8 flag that sets how far each heap may grow past its live size before the next full
 * collection, or undefined when it stays as it is: 0 (V8's own choice), or a value the operator
 * gave on node's command line (which wins).
 */
export function heapGrowthFlag(percent: number | undefined, execArgv: readonly string[]): string | undefined {
  if (!percent) return undefined;
  if (execArgv.some((a) => a.replace(/_/g, '-').startsWith(FLAG))) return undefined;
  return `${FLAG}=${percent}`;
}

/**
 * Applies SWITCHYARD_HEAP_GROWING_PERCENT to this process. V8 reads the flag each time it sets a
 * heap's next limit (after every full collection), so setting it once the process runs takes
 * effect from the next collection on, for the main thread and every worker thread.
 *
 * @remarks Why: a 10 MB body passes tens of megabytes of ArrayBuffers (socket chunks, the response)
 * through the event loop. With V8's own growing factor (about 1.6x a 37 MB heap here) the
 * remaining room is soon below V8's start threshold, and the main thread ran about one full
 * mark-compact (40 ms of CPU) per request; at 200 % about one per three or four requests
 * (bench/results/big-body/2026-11-29-vm-lean).
 */
export function applyHeapGrowth(percent: number | undefined, execArgv: readonly string[] = process.execArgv): void {
  const flag = heapGrowthFlag(percent, execArgv);
  if (flag) setFlagsFromString(flag);
}
