// Samplers over a uniform [0, 1) source: the simulator and the bench draw it from common's
// seededRandom, so the same seed gives the same sequence on every machine.

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
