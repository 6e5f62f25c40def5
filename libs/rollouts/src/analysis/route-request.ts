import { createHash } from 'node:crypto';
import type { RolloutState } from '../interfaces/rollout-state.interface';

/** Where an unpinned request goes: the version that answers, and one to mirror it to. */
export interface RouteDecision {
  version: string;
  shadow?: string;
}

/**
 * Routes by the rollout's state: promoted -> candidate; rolled back, aborted or paused -> primary;
 * progressing canary -> candidate for `weight` % (sticky per session: the same session always lands
 * on the same side at a given weight); progressing shadow -> primary, mirrored for `weight` %.
 */
export function routeRequest(state: RolloutState, session: string | undefined, random: () => number): RouteDecision {
  const { primary, candidate, mode } = state.spec;
  if (state.status === 'promoted') return { version: candidate };
  if (state.status !== 'progressing') return { version: primary };
  const draw = session === undefined ? random() * 100 : sessionPoint(session, state.created_at);
  const chosen = draw < state.weight;
  if (mode === 'shadow') return chosen ? { version: primary, shadow: candidate } : { version: primary };
  return { version: chosen ? candidate : primary };
}

/** A stable point in [0, 100) for a session (per rollout, so sessions are not always the first in). */
export function sessionPoint(session: string, salt: string): number {
  const h = createHash('sha1').update(salt).update('\0').update(session).digest();
  return (h.readUInt32BE(0) / 2 ** 32) * 100;
}
