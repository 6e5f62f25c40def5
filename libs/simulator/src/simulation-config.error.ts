/** A simulation config (scenario) is invalid; the message names the field. */
export class SimulationConfigError extends Error {
  override readonly name = 'SimulationConfigError';
}
