import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe as suite } from 'node:test';

/**
 * Parts of the host that some tests need and a fresh machine may lack. Without one, those tests
 * are skipped through the runner (reported as skipped, with the reason), never passed; CI sets
 * the REQUIRE_* variable after installing the part, and a skip then becomes a failure.
 */
export const REQUIREMENTS = {
  webgpu: { env: 'REQUIRE_WEBGPU', install: 'bash scripts/install-lavapipe.sh' },
  browser: { env: 'REQUIRE_BROWSER', install: 'apt-get install -y chromium' },
  redis: { env: 'REQUIRE_REDIS', install: 'apt-get install -y redis-server' },
  openssl: { env: 'REQUIRE_OPENSSL', install: 'apt-get install -y openssl' },
} as const;

export type Requirement = keyof typeof REQUIREMENTS;

interface SkippableContext {
  skip(message?: string): void;
}

export function isRequired(part: Requirement): boolean {
  return process.env[REQUIREMENTS[part].env] === '1';
}

function skipMessage(part: Requirement, why: string): string {
  const { env, install } = REQUIREMENTS[part];
  return `${why} (${install}; ${env}=1 fails instead)`;
}

function missing(part: Requirement, why: string): Error {
  const { env, install } = REQUIREMENTS[part];
  return new Error(`${env}=1 but ${why} (${install})`);
}

/**
 * Inside a test: true when the part is there. Otherwise it throws under REQUIRE_*=1, or marks the
 * running test skipped with the reason and returns false, and the test returns:
 * `if (!availableOrSkip('webgpu', gpu !== undefined, why)) return;`
 */
export function availableOrSkip(part: Requirement, available: boolean, why: string): boolean {
  if (available) return true;
  if (isRequired(part)) throw missing(part, why);
  const current = (globalThis as Record<symbol, (() => SkippableContext | undefined) | undefined>)[
    Symbol.for('switchyard.currentTest')
  ]?.();
  if (!current) throw new Error(`availableOrSkip('${part}') called outside a running test (${why})`);
  current.skip(skipMessage(part, why));
  return false;
}

/**
 * A describe block that needs a part known before the tests run (a program on PATH, a file):
 * skipped as a whole, hooks included, when the part is absent; under REQUIRE_*=1 it runs and
 * fails at once with the reason.
 */
export function describeWith(part: Requirement, absentBecause: string | undefined, name: string, fn: () => void): void {
  if (absentBecause === undefined) {
    describe(name, fn);
  } else if (isRequired(part)) {
    describe(name, () => {
      it(`needs ${part}`, () => {
        throw missing(part, absentBecause);
      });
    });
  } else {
    // jest's describe has no skip reason; node:test's does, and the runner reports it
    void suite(name, { skip: skipMessage(part, absentBecause) }, fn);
  }
}

/** Why a program cannot be run from PATH, or undefined when it can. */
export function missingProgram(program: string, versionFlag = '--version'): string | undefined {
  const probe = spawnSync(program, [versionFlag], { stdio: 'ignore', timeout: 10_000 });
  if (probe.error) return `${program} cannot be run (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})`;
  return undefined;
}

/** The first executable called `program` on PATH, or undefined. */
export function findOnPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, program);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Why the jobs tests cannot start their own Redis, or undefined when they can. */
export function redisMissing(): string | undefined {
  return missingProgram('redis-server') ?? missingProgram('redis-cli');
}

/** A describe block whose tests start their own redis-server (libs/jobs/src/testing/redis-server.ts). */
export function describeWithRedis(name: string, fn: () => void): void {
  describeWith('redis', redisMissing(), name, fn);
}
