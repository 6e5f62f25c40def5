/** A scenario file is invalid; `field` is the dotted path of the bad field (e.g. "workload[1].share"). */
export class ScenarioValidationError extends Error {
  override readonly name = 'ScenarioValidationError';

  constructor(
    readonly field: string,
    problem: string,
    readonly file?: string,
  ) {
    super(`${file ? `${file}: ` : ''}scenario field "${field}" ${problem}`);
  }
}
