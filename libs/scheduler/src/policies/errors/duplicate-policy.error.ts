/** Two registered policy factories share a name (a start-up error). */
export class DuplicatePolicyError extends Error {
  override readonly name = 'DuplicatePolicyError';
}
