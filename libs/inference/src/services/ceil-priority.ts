/**
 * The priority a request gets under a tenant's ceiling (1 is the highest level): asking above
 * the ceiling, or the default level when that is above it, gets the ceiling.
 */
export function ceilPriority(
  asked: number | undefined,
  ceiling: number | undefined,
  defaultLevel: number,
): { priority?: number; clampedFrom?: number } {
  if (ceiling === undefined) return asked !== undefined ? { priority: asked } : {};
  const effective = asked === undefined || asked === 0 ? defaultLevel : asked;
  return effective < ceiling ? { priority: ceiling, clampedFrom: asked ?? 0 } : asked !== undefined ? { priority: asked } : {};
}
