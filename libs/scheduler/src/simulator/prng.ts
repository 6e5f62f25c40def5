/**
 * A seeded uniform [0, 1) generator (mulberry32): tiny, fast and good enough for workloads and
 * tie-breaking; the same seed gives the same sequence on every machine.
 */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An exponential sample of the given mean (Poisson inter-arrival times). */
export function exponentialSample(random: () => number, mean: number): number {
  return -mean * Math.log(1 - random());
}

/** A standard normal sample (Box-Muller). */
export function normalSample(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A log-normal factor of mean 1 and log-sigma `sigma` (multiplicative service-time noise). */
export function noiseFactor(random: () => number, sigma: number): number {
  return sigma > 0 ? Math.exp(sigma * normalSample(random) - (sigma * sigma) / 2) : 1;
}
